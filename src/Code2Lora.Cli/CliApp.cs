using System.CommandLine;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>Runs the verb tree: options every verb shares (--verbose, --threads), LibTorch's threads set to sleep rather than spin while they wait, the console set up for a terminal or a log,
/// and every failure — a parse error, an exception of any verb — through <see cref="CliErrors"/>.</summary>
internal static class CliApp
{
    /// <summary>Log lines are never wrapped: a path broken over two lines cannot be pasted.</summary>
    private const int LogWidth = 4096;

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and invokes the chosen verb; returns the exit code.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        TorchRuntime.UsePassiveThreadWait();           // before anything loads LibTorch
        var verbose = new Option<bool>("--verbose") { Description = "Print the stack trace of an error.", Recursive = true };
        var threads = new Option<int?>("--threads")
        {
            Description = $"LibTorch threads (default: one per core, as the committed results were made; also {TorchRuntime.ThreadsVariable}). "
                          + "Fewer threads share a busy machine better; results may differ in the last bits.",
            Recursive = true,
        };
        root.Options.Add(verbose);
        root.Options.Add(threads);
        UseConsole();
        var parse = root.Parse(args);
        CliErrors.Verbose = parse.GetValue(verbose) || Environment.GetEnvironmentVariable("C2L_VERBOSE") is "1" or "true";
        if (parse.Errors.Count > 0)
        {
            var verb = string.Join(' ', new[] { "c2l" }.Concat(VerbPath(parse.CommandResult)));
            // "Required command was not provided" only repeats what a misspelt verb's own error says.
            var errors = parse.Errors.Count > 1 ? parse.Errors.Where(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)).ToList() : [];
            foreach (var error in errors.Count > 0 ? errors : parse.Errors)
                Console.Error.WriteLine($"error: {verb}: {error.Message.TrimEnd('.')}; see: {verb} --help");
            return CliErrors.ExitCode;
        }
        try
        {
            if (TorchRuntime.RequestedThreads(parse.GetValue(threads)) is { } n) TorchRuntime.SetThreads(n);
            if (TorchVerbs.Contains(VerbPath(parse.CommandResult).FirstOrDefault() ?? "") && MachineLoad.BusyNote() is { } note) Console.Error.WriteLine(note);
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CliErrors.Report(e);
        }
    }

    /// <summary>Verbs whose time depends on free cores (the busy-machine note is printed for them).</summary>
    private static readonly HashSet<string> TorchVerbs = ["train", "eval", "pretrain", "reproduce", "study", "embed", "adapter", "evo", "sweep"];

    private static IEnumerable<string> VerbPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var r = result; r?.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) names.Push(r.Command.Name);
        return names;
    }

    /// <summary>A fresh console per invocation (tests run verbs in-process with redirected writers): live bars in a terminal;
    /// in a log, plain text of unbounded width.</summary>
    private static void UseConsole()
    {
        var log = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("TERM") is "dumb";
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = log ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = log ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = log ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (log) console.Profile.Width = LogWidth;
        AnsiConsole.Console = console;
    }
}
