using System.Diagnostics;
using System.Reflection;

namespace Code2Lora.Tests.Cli;

/// <summary>What one command-line run printed and returned.</summary>
internal sealed record CliOutcome(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, for messages.</summary>
    public string All => Stdout + Stderr;

    /// <summary>The lines starting with "error: ".</summary>
    public IReadOnlyList<string> ErrorLines => All.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
}

/// <summary>Runs <c>c2l</c> and <c>c2l-notebook</c> the way a user does: in this process through the programs' entry points (fast;
/// the console is process-wide, so one run at a time), or as a child process of the built dll.</summary>
internal static class CliRun
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The directory holding c2l.dll and c2l-notebook.dll (the tests reference both projects).</summary>
    public static string BinDirectory => AppContext.BaseDirectory;

    /// <summary>Runs <c>c2l args…</c> in this process.</summary>
    public static Task<CliOutcome> C2lAsync(params string[] args) => InProcessAsync("c2l", args);

    /// <summary>Runs <c>c2l-notebook args…</c> in this process.</summary>
    public static Task<CliOutcome> NotebookAsync(params string[] args) => InProcessAsync("c2l-notebook", args);

    private static async Task<CliOutcome> InProcessAsync(string assembly, string[] args)
    {
        var entry = Assembly.Load(assembly).EntryPoint ?? throw new InvalidOperationException($"{assembly} has no entry point.");
        await OneAtATime.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        try
        {
            Console.SetOut(o);
            Console.SetError(e);
            int code;
            try
            {
                var returned = entry.Invoke(null, [args]);
                code = returned is Task<int> task ? await task : (int)returned!;
            }
            catch (Exception thrown)
            {
                // What the .NET host would print for an exception that escaped Main.
                e.WriteLine("Unhandled exception. " + (thrown is TargetInvocationException { InnerException: { } inner } ? inner : thrown));
                code = 134;
            }
            return new CliOutcome(code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            OneAtATime.Release();
        }
    }

    /// <summary>Runs <c>dotnet exec &lt;dll&gt; args…</c> as a child process with output redirected (as into a log file).</summary>
    public static async Task<CliOutcome> ProcessAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(BinDirectory, dll), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliOutcome(process.ExitCode, await stdout, await stderr);
    }
}
