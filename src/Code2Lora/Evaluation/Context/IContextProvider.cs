using Code2Lora.Bench;

namespace Code2Lora.Evaluation.Context;

/// <summary>Text placed before a task's prefix (retrieved chunks, resolved definitions), independent of how the model is adapted.</summary>
public interface IContextProvider
{
    /// <summary>The context for <paramref name="task"/>, or null when there is none (the prompt is then the plain prefix).</summary>
    string? ContextFor(QnaRow task);

    /// <summary>How many tasks got a context, and why the others did not.</summary>
    ContextCoverage Coverage { get; }
}
