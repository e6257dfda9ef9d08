namespace Code2Lora.Python;

/// <summary>
/// An evolution-track ("v1") assertion before its prefix is built: the prefix is the file text before
/// <see cref="PrefixCut"/> (the start of the assertion's line) followed by <see cref="Tail"/> (the re-synthesised
/// assertion head, or the line up to the target). Building it costs the file's length, so it is done only on demand.
/// </summary>
public sealed record EvolutionSite(string AssertionType, string Target, string? TestFunction, string? TestClass, int LineNo, int ColOffset,
    int PrefixCut, string Tail)
{
    /// <summary>The prefix, built from <see cref="EvolutionFile.Text"/> of the file version this site was found in.</summary>
    public string Prefix(string parsedText) => string.Concat(parsedText.AsSpan(0, PrefixCut), Tail);

    /// <summary>The assertion with its prefix built.</summary>
    public EvolutionAssertion Materialise(string parsedText) =>
        new(Prefix(parsedText), Target, AssertionType, TestFunction, TestClass, LineNo, ColOffset);
}

/// <summary>One parsed test-file version: its text as the parser saw it and its assertion sites in file order.</summary>
public sealed record EvolutionFile(string Text, IReadOnlyList<EvolutionSite> Sites)
{
    /// <summary>The text the parser sees in a file's decoded source (one leading byte-order mark removed): what <see cref="EvolutionSite.Prefix"/> needs.</summary>
    public static string ParsedTextOf(string source) => PySourceText.WithoutBom(source);
}
