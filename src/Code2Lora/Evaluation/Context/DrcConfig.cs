using Code2Lora.Mining;

namespace Code2Lora.Evaluation.Context;

/// <summary>Dependency-resolved context (paper-notes §4.1 "DRC"; authors' baselines/oracle_context/build_context_v2.py).</summary>
public sealed record DrcConfig
{
    /// <summary>Token budget of the whole context in base-tokenizer tokens (paper: 4,096 in training, an adaptive 8K at evaluation).</summary>
    public int MaxTokens { get; init; } = 4096;

    /// <summary>Between definitions, and between the last one and the prefix (as RAG).</summary>
    public string Separator { get; init; } = "\n\n\n";

    /// <summary>Directories besides the repository root that hold top-level packages (the authors' source roots).</summary>
    public IReadOnlyList<string> SourceRoots { get; init; } = ["src", "lib", "app", "python", "py"];

    /// <summary>How many re-export hops (<c>from .core import f</c> in a package's __init__.py) are followed to the real definition.</summary>
    public int MaxReexportDepth { get; init; } = 3;

    /// <summary>
    /// Emit the most recently used definition last, right before the prefix (default), so that left truncation of a long
    /// prompt cuts the least relevant definitions first; false emits it first. Selection under the budget is always
    /// most-recently-used first.
    /// </summary>
    public bool MostRelevantLast { get; init; } = true;

    /// <summary>Rules for reading the snapshot's .py files (skipped directories, 2 MB limit).</summary>
    public MiningRules Rules { get; init; } = new();

    /// <summary>Throws a readable error for settings that cannot work.</summary>
    public DrcConfig Validate()
    {
        if (MaxTokens < 1) throw new ArgumentException($"drc: max_tokens must be positive, got {MaxTokens}.");
        if (MaxReexportDepth < 0) throw new ArgumentException($"drc: max_reexport_depth must be ≥ 0, got {MaxReexportDepth}.");
        return this;
    }
}
