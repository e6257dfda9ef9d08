using Code2Lora.Runtime;

namespace Code2Lora.Cli;

/// <summary>The one place where a failure of any verb becomes "error: &lt;file or input&gt;: &lt;what is wrong&gt;; &lt;what to do&gt;"
/// on stderr and exit code 2; the stack trace is shown only with --verbose.</summary>
internal static class CliErrors
{
    /// <summary>Exit code of every failure.</summary>
    public const int ExitCode = 2;

    /// <summary>Exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    /// <summary>Show stack traces (set from --verbose or C2L_VERBOSE=1 by <see cref="CliApp"/>).</summary>
    public static bool Verbose { get; set; }

    /// <summary>Prints <paramref name="e"/> the one way and returns the exit code.</summary>
    public static int Report(Exception e)
    {
        var inner = FailureMessage.Unwrap(e);
        if (inner is OperationCanceledException)
        {
            Console.Error.WriteLine("stopped: cancelled; run the same command again to resume.");
            return CancelledExitCode;
        }
        Console.Out.Flush();
        Console.Error.WriteLine("error: " + FailureMessage.Describe(inner));
        if (Verbose) Console.Error.WriteLine(inner);
        return ExitCode;
    }

    /// <summary>Runs a verb's work and returns its exit code, or that of <see cref="Report"/>.</summary>
    public static async Task<int> Run(Func<Task<int>> work)
    {
        try { return await work(); }
        catch (Exception e) { return Report(e); }
    }

    /// <summary>Synchronous variant of <see cref="Run(Func{Task{int}})"/>.</summary>
    public static int Run(Func<int> work) => Run(() => Task.FromResult(work())).GetAwaiter().GetResult();
}
