namespace Code2Lora.Python;

/// <summary>A static-track task: structured prefix → target, with the assertion family and target difficulty class.</summary>
public sealed record AssertionCandidate(string Prefix, string Target, string AssertionType, string Difficulty,
    string? TestFunction, string? TestClass, int LineNo, int ColOffset);

/// <summary>Knobs of the static-track extractor (paper §3.3 defaults).</summary>
public sealed record StaticExtractionOptions
{
    /// <summary>The structured prefix keeps at most this many lines, cut from the top.</summary>
    public int MaxPrefixLines { get; init; } = 600;

    /// <summary>Longer targets are dropped.</summary>
    public int MaxTargetChars { get; init; } = 500;
}

/// <summary>An evolution-track ("v1") task: full file text before the assertion plus a re-synthesised assertion head → target.</summary>
public sealed record EvolutionAssertion(string Prefix, string Target, string AssertionType, string? TestFunction, string? TestClass,
    int LineNo, int ColOffset);
