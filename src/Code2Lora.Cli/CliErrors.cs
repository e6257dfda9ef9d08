using Code2Lora.Training;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>The one place where a verb turns an expected failure (bad input, missing files, a diverged run) into a
/// one-line message and exit code 2; anything else is a bug and keeps its stack trace.</summary>
internal static class CliErrors
{
    /// <summary>Runs a verb's work and returns its exit code, or 2 after printing an expected error.</summary>
    public static async Task<int> Run(Func<Task<int>> work)
    {
        try { return await work(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException
                                      or KeyNotFoundException or TrainingDivergedException
                                      or Models.Checkpoints.CheckpointException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
    }

    /// <summary>Synchronous variant of <see cref="Run(Func{Task{int}})"/>.</summary>
    public static int Run(Func<int> work) => Run(() => Task.FromResult(work())).GetAwaiter().GetResult();
}
