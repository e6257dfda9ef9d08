namespace Code2Lora.Mining;

/// <summary>A repository to mine: where to clone it from and its id in outputs ("owner/name").</summary>
public sealed record RepoListEntry(string Url, string RepoId);

/// <summary>Reads repository list files: one URL or owner/name per line; '#' starts a comment.</summary>
public static class RepoList
{
    /// <summary>Parses the file at <paramref name="path"/>; a malformed line throws <see cref="MiningException"/> naming the file and line. Repeats are kept once.</summary>
    public static IReadOnlyList<RepoListEntry> Parse(string path)
    {
        if (!File.Exists(path)) throw new MiningException($"{path}: no such repository list; pass a file with one URL or owner/name per line.");
        var entries = new List<RepoListEntry>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var hash = raw.IndexOf('#');
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0) continue;
            var entry = ParseLine(line)
                ?? throw new MiningException($"{path}:{lineNo}: '{line}' is neither a repository URL nor owner/name.");
            if (seen.Add(entry.RepoId)) entries.Add(entry);
        }
        return entries;
    }

    /// <summary>Parses one entry: <c>owner/name</c>, <c>https://host/owner/name(.git)</c>, <c>host/owner/name</c> or <c>git@host:owner/name(.git)</c>; null if it is none of these.</summary>
    public static RepoListEntry? ParseLine(string line)
    {
        line = line.Trim();
        if (line.Length == 0 || line.Any(char.IsWhiteSpace)) return null;
        string url;
        string repoPath;
        if (line.StartsWith("git@", StringComparison.Ordinal) && line.Contains(':'))
        {
            url = line;
            repoPath = line[(line.IndexOf(':') + 1)..];
        }
        else if (Uri.TryCreate(line, UriKind.Absolute, out var uri) && (uri.Scheme is "https" or "http" or "ssh" or "git"))
        {
            url = line;
            repoPath = uri.AbsolutePath;
        }
        else
        {
            var parts = line.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2) return Entry($"https://github.com/{Trim(parts[0])}/{Trim(parts[1])}", parts[0], parts[1]);
            if (parts.Length == 3 && parts[0].Contains('.')) { url = "https://" + line; repoPath = string.Join('/', parts[1..]); }
            else return null;
        }
        var segments = repoPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2) return null;
        return Entry(url, segments[^2], segments[^1]);
    }

    private static RepoListEntry? Entry(string url, string owner, string name)
    {
        owner = Trim(owner);
        name = Trim(name);
        if (!IsNamePart(owner) || !IsNamePart(name)) return null;
        return new RepoListEntry(url.TrimEnd('/'), $"{owner}/{name}");
    }

    private static string Trim(string part) => part.EndsWith(".git", StringComparison.Ordinal) ? part[..^4] : part;

    private static bool IsNamePart(string s) =>
        s.Length > 0 && s != "." && s != ".." && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
