using Code2Lora.Mining;
using Code2Lora.Python;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>A test-file version's assertion sites and their keys, or the syntax error that stopped its parse.</summary>
public sealed record ParsedVersion(IReadOnlyList<EvolutionSite> Sites, AssertionKey[] Keys, PySyntaxError? Error)
{
    /// <summary>Parses a file version and computes its keys in one pass (<see cref="AssertionKey.ForFile"/>); pure, so any thread may run it.</summary>
    public static ParsedVersion Of(string text)
    {
        try
        {
            var file = EvolutionTaskExtractor.Parse(text);
            return new ParsedVersion(file.Sites, AssertionKey.ForFile(file), null);
        }
        catch (PySyntaxError e) { return new ParsedVersion([], [], e); }
    }
}

/// <summary>The parse of one blob, filled in by the job of the first version that has it and shared by later versions with the same blob.</summary>
internal sealed class ParsedBlob
{
    public ParsedVersion? Value;
}

/// <summary>One test-file version a commit touched: read on the walking thread, parsed by <see cref="Job"/> on any thread.</summary>
public sealed class TestFileVersion
{
    private readonly ParsedBlob _parse;
    private readonly Func<string>? _reread;
    private string? _text;

    internal TestFileVersion(string path, string? blobId, string text, ParsedBlob parse)
    {
        (Path, BlobId, _text, _parse) = (path, blobId, text, parse);
        Job = new ClaimableJob(() => parse.Value = ParsedVersion.Of(text));
    }

    // A version whose blob an earlier version (in this commit or before) parses: nothing to run, and the text is read
    // again only if one of its prefixes is needed. The earlier version's job has finished by the time this one is applied.
    internal TestFileVersion(string path, string blobId, ParsedBlob parse, Func<string> reread)
    {
        (Path, BlobId, _parse, _reread, FromCache) = (path, blobId, parse, reread, true);
        Job = null;
    }

    /// <summary>The file's path at the commit.</summary>
    public string Path { get; }
    /// <summary>The git blob sha, when the backend has one.</summary>
    public string? BlobId { get; }
    /// <summary>True when an earlier version with the same blob does the parse.</summary>
    public bool FromCache { get; }
    /// <summary>The parse, once the job that makes it has run.</summary>
    public ParsedVersion? Parsed => _parse.Value;
    /// <summary>Parses the version; null for a version that shares an earlier version's parse.</summary>
    public ClaimableJob? Job { get; }
    /// <summary>The text the parser saw (read again for a version that shares a parse).</summary>
    public string ParsedText => EvolutionFile.ParsedTextOf(_text ??= _reread!());
}
