using System.Globalization;

namespace Code2Lora.Mining;

/// <summary>
/// One shipped history: a repository's default branch packed as a git bundle, with where it came from, its licence,
/// the commit it was taken at and the bundle's checksum (a row of <c>data/histories/manifest.tsv</c>).
/// </summary>
public sealed record HistoryEntry(
    string RepoId, string Url, string LicenceFiles, string Spdx, string DefaultBranch, string HeadSha, DateTimeOffset HeadDate,
    DateOnly Taken, int FirstParentCommits, string Bundle, long BundleBytes, string BundleSha256)
{
    /// <summary>The folder name of the repository in bundle and cache directories: <c>owner__name</c>.</summary>
    public string FolderName => RepoId.Replace("/", "__", StringComparison.Ordinal);
}

/// <summary>Reads <c>data/histories/manifest.tsv</c> (written by <c>scripts/histories/make-bundles.sh</c>).</summary>
public static class HistoryManifest
{
    /// <summary>The manifest's columns, in order; the header line must name exactly these.</summary>
    public static readonly string[] Columns =
    [
        "repo", "url", "licence_file", "spdx", "default_branch", "head_sha", "head_date", "taken", "first_parent_commits",
        "bundle", "bundle_bytes", "bundle_sha256",
    ];

    /// <summary>Parses the manifest; a wrong header, a malformed field or a repeated repository throws <see cref="MiningException"/> naming the file, line and column.</summary>
    public static IReadOnlyList<HistoryEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new MiningException($"History manifest '{path}' does not exist (it is committed as data/histories/manifest.tsv).");
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].TrimEnd('\r') != string.Join('\t', Columns))
            throw new MiningException($"{path}:1: the header must be the tab-separated columns {string.Join(", ", Columns)}.");
        var entries = new List<HistoryEntry>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            var entry = Parse(line, $"{path}:{i + 1}");
            if (!seen.Add(entry.RepoId)) throw new MiningException($"{path}:{i + 1}: {entry.RepoId} is listed twice.");
            entries.Add(entry);
        }
        return entries;
    }

    private static HistoryEntry Parse(string line, string where)
    {
        var f = line.Split('\t');
        if (f.Length != Columns.Length) throw new MiningException($"{where}: {f.Length} tab-separated fields, expected {Columns.Length}.");
        string Field(int i) => f[i].Length > 0 ? f[i] : throw new MiningException($"{where}: column '{Columns[i]}' is empty.");
        var repo = RepoList.ParseLine(Field(0));
        if (repo is null || repo.RepoId != f[0]) throw new MiningException($"{where}: '{f[0]}' is not owner/name.");
        var head = Field(5);
        if (head.Length != 40 || !head.All(char.IsAsciiHexDigitLower)) throw new MiningException($"{where}: head_sha '{head}' is not a 40-digit lower-case hex sha.");
        if (!DateTimeOffset.TryParse(Field(6), CultureInfo.InvariantCulture, DateTimeStyles.None, out var headDate))
            throw new MiningException($"{where}: head_date '{f[6]}' is not an ISO 8601 date.");
        if (!DateOnly.TryParseExact(Field(7), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var taken))
            throw new MiningException($"{where}: taken '{f[7]}' is not a yyyy-MM-dd date.");
        if (!int.TryParse(Field(8), NumberStyles.None, CultureInfo.InvariantCulture, out var commits) || commits < 1)
            throw new MiningException($"{where}: first_parent_commits '{f[8]}' is not a positive integer.");
        var bundle = Field(9);
        if (bundle.Contains('/') || bundle.Contains('\\') || !bundle.EndsWith(".bundle", StringComparison.Ordinal))
            throw new MiningException($"{where}: bundle '{bundle}' must be a file name ending in .bundle.");
        if (!long.TryParse(Field(10), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            throw new MiningException($"{where}: bundle_bytes '{f[10]}' is not a byte count.");
        var sha256 = Field(11);
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower)) throw new MiningException($"{where}: bundle_sha256 '{sha256}' is not 64 lower-case hex digits.");
        return new HistoryEntry(repo.RepoId, Field(1), Field(2), Field(3), Field(4), head, headDate, taken, commits, bundle, bytes, sha256);
    }
}
