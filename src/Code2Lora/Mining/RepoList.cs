namespace Code2Lora.Mining;

/// <summary>A repository to clone: its URL and the id its rows will carry (owner/name).</summary>
public sealed record RepoListEntry(string Url, string RepoId);

/// <summary>Reads clone lists: one URL or <c>owner/name</c> (GitHub) per line; '#' starts a comment.</summary>
public static class RepoList
{
    /// <summary>The entries of a list file, in order, without duplicates.</summary>
    public static IReadOnlyList<RepoListEntry> Parse(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"repository list not found: {path}", path);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<RepoListEntry>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var entry = ParseLine(line) ?? throw new FormatException($"{path}:{lineNo}: '{line}' is neither a URL nor owner/name");
            if (seen.Add(entry.RepoId)) result.Add(entry);
        }
        return result;
    }

    internal static RepoListEntry? ParseLine(string line)
    {
        if (line.Contains("://") || line.StartsWith("git@", StringComparison.Ordinal))
        {
            var trimmed = line.TrimEnd('/');
            if (trimmed.EndsWith(".git", StringComparison.Ordinal)) trimmed = trimmed[..^4];
            var parts = trimmed.Replace(':', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 ? new RepoListEntry(line, $"{parts[^2]}/{parts[^1]}") : null;
        }
        var p = line.Split('/');
        return p.Length == 2 && p.All(x => x.Length > 0 && x.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
            ? new RepoListEntry($"https://github.com/{line}.git", line) : null;
    }
}
