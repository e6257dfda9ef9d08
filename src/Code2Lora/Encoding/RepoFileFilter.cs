using Code2Lora.Mining;

namespace Code2Lora.Encoders;

/// <summary>Which files of a repository state are embedded.</summary>
public sealed record RepoFileFilter
{
    /// <summary>Extensions (lower case, with the dot) that count as repository code (a: .py .md .rst; b: .py).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".py"];

    /// <summary>Leave out test files (recipe a moves them aside; recipe b, the released data, keeps them).</summary>
    public bool ExcludeTests { get; init; }

    /// <summary>The mining rules used to read the state: test rule, skipped directories, size limit (2 MB).</summary>
    public MiningRules Rules { get; init; } = new() { SkipDirectories = [] };

    /// <summary>At most this many files, the first in path order (a: 4000; b: no limit).</summary>
    public int? MaxFiles { get; init; }

    /// <summary>True if a file at <paramref name="path"/> is embedded (before the size limit and UTF-8 check of reading).</summary>
    public bool Includes(string path)
    {
        var ext = Path.GetExtension(path);
        if (!Extensions.Any(e => string.Equals(e, ext, StringComparison.OrdinalIgnoreCase))) return false;
        if (FileRules.InSkippedDirectory(path, Rules)) return false;
        return !ExcludeTests || !FileRules.IsTestPath(path, Rules.TestRule);
    }

    /// <summary>The files of a snapshot this filter keeps, in path order, at most <see cref="MaxFiles"/>.</summary>
    public IReadOnlyList<SourceFile> Select(IEnumerable<SourceFile> files)
    {
        var kept = files.Where(f => Includes(f.Path) && (!ExcludeTests || !FileRules.IsTestFile(f.Path, f.Text, Rules.TestRule)))
            .OrderBy(f => f.Path, StringComparer.Ordinal);
        return (MaxFiles is int max ? kept.Take(max) : kept).ToList();
    }
}
