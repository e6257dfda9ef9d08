using System.Reflection;
using System.Text.Json;
using Code2Lora.Mining;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Training;

namespace Code2Lora.Runtime;

/// <summary>The one line a command line prints for a failure: "&lt;file or input&gt;: &lt;what is wrong&gt;; &lt;what to do&gt;".</summary>
/// <remarks>The library's exceptions name the file or input first; this adds the fix where a message has none (an exception
/// from the runtime or a third-party reader rarely says what to do) and marks everything that is not bad input as a bug.</remarks>
public static class FailureMessage
{
    /// <summary>The exception that says what went wrong: task, reflection and type-initialiser wrappers removed.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }

    /// <summary>True when bad input or the environment (a missing, damaged or locked file, a wrong option, a full disk)
    /// explains the failure; false for bugs, which deserve a stack trace in a report.</summary>
    public static bool IsExpected(Exception e) => Unwrap(e) is ArgumentException or InvalidOperationException or InvalidDataException
        or IOException or UnauthorizedAccessException or KeyNotFoundException or FormatException or JsonException or NotSupportedException
        or TimeoutException or OperationCanceledException or TypeInitializationException
        or CheckpointException or MiningException or TrainingDivergedException;

    /// <summary>The message of <paramref name="e"/> with a fix appended when it has none (no "; …" part).</summary>
    public static string Describe(Exception e)
    {
        e = Unwrap(e);
        var message = e.Message.Trim();
        if (!IsExpected(e))
            return $"internal error ({e.GetType().Name}): {message}; this is a bug: re-run with --verbose and report the stack trace.";
        if (message.Contains("; ", StringComparison.Ordinal)) return message;
        return Fix(e) is { } fix ? $"{message.TrimEnd('.')}; {fix}" : message;
    }

    /// <summary>What to do about a failure of this kind, when its message does not say.</summary>
    private static string? Fix(Exception e) => e switch
    {
        UnauthorizedAccessException => "choose a folder you can write (--out) or fix its permissions.",
        IOException io when io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => "free disk space, then re-run the same command (finished steps are kept).",
        FileNotFoundException or DirectoryNotFoundException => "check the path.",
        JsonException => "fix the JSON or delete the file to have it written again.",
        CheckpointException =>
            "copy or download the file again, or point --base-model / --model at a model directory (config.json, model.safetensors, tokenizer.json).",
        MiningException => "pass a readable repository folder (a git work tree or a plain directory of code).",
        TypeInitializationException => "the native libraries did not load: rebuild (dotnet build -c Release), then run c2l info.",
        _ => null,
    };
}
