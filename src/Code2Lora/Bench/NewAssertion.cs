using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>
/// An assertion a commit added or changed in one test file; <see cref="Modified"/> when the same (type, prefix) held
/// another target before. The prefix is built only when asked for, from the file version it was found in.
/// </summary>
public sealed class NewAssertion(EvolutionSite site, string file, bool modified, AssertionKey key, TestFileVersion version)
{
    /// <summary>Where the assertion is and what its target is.</summary>
    public EvolutionSite Site { get; } = site;
    /// <summary>The test file's path at the commit.</summary>
    public string File { get; } = file;
    /// <summary>True when the file held the same type and prefix with another target before.</summary>
    public bool Modified { get; } = modified;
    /// <summary>The assertion's key hashes.</summary>
    public AssertionKey Key { get; } = key;

    /// <summary>Builds the prefix (the file text before the assertion line plus the assertion head): the costly part, so only for tasks that are kept.</summary>
    public string Prefix() => Site.Prefix(version.ParsedText);
}
