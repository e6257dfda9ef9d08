using System.Security.Cryptography;
using System.Text;

namespace Code2Lora.Mining;

/// <summary>
/// A plain directory read as a repository with one synthetic commit. The commit id is a SHA-1 over the sorted paths
/// and contents, so the same files always give the same id; its time is the Unix epoch so outputs stay reproducible.
/// Symbolic links are reported, never followed.
/// </summary>
internal sealed class DirectoryBackend(string root) : IRepoBackend
{
    private readonly Lazy<(List<(string Path, FileSystemInfo Info)> Entries, CommitInfo Commit)> _state = new(() => Scan(root));

    private static (List<(string, FileSystemInfo)>, CommitInfo) Scan(string root)
    {
        var entries = new List<(string, FileSystemInfo)>();
        void Visit(DirectoryInfo dir, string prefix)
        {
            foreach (var info in dir.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                var path = prefix + info.Name;
                if (info.LinkTarget is not null) { entries.Add((path, info)); continue; }
                if (info is DirectoryInfo sub) { if (sub.Name != ".git") Visit(sub, path + "/"); }
                else entries.Add((path, info));
            }
        }
        try { Visit(new DirectoryInfo(root), ""); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new MiningException($"directory '{root}' cannot be read: {e.Message}", e);
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        foreach (var (path, info) in entries)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            if (info.LinkTarget is null && info is FileInfo f)
            {
                try { using var s = f.OpenRead(); sha.AppendData(SHA1.HashData(s)); }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException) { sha.AppendData("unreadable"u8); }
            }
        }
        var id = Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
        return (entries, new CommitInfo(id, 0, DateTimeOffset.UnixEpoch, "snapshot of directory " + Path.GetFileName(root), null));
    }

    public CommitInfo Head => _state.Value.Commit;

    public IReadOnlyList<CommitInfo> FirstParentHistory(DateTimeOffset? until) => [Head];

    private void Check(string sha)
    {
        if (sha != Head.Sha) throw new MiningException($"directory '{root}' has one snapshot ({Head.Sha[..8]}), not {sha}");
    }

    public Snapshot ReadSnapshot(string repoId, string? commitSha, Func<string, bool>? include, MiningRules rules)
    {
        if (commitSha is not null) Check(commitSha);
        var files = new List<SourceFile>();
        var skipped = new List<SkippedFile>();
        foreach (var (path, info) in _state.Value.Entries)
        {
            if (include is not null && !include(path)) continue;
            if (FileRules.InSkippedDirectory(path, rules)) { skipped.Add(new SkippedFile(path, SkipReason.SkippedDirectory, null)); continue; }
            var text = Read(path, info, rules.MaxFileBytes, out var skip);
            if (text is not null) files.Add(new SourceFile(path, text));
            else if (skip is not null) skipped.Add(skip);
        }
        return new Snapshot(repoId, Head.Sha, files, skipped);
    }

    private static string? Read(string path, FileSystemInfo info, long maxBytes, out SkippedFile? skipped)
    {
        if (info.LinkTarget is not null) { skipped = new SkippedFile(path, SkipReason.Symlink, "-> " + info.LinkTarget); return null; }
        var f = (FileInfo)info;
        if (f.Length > maxBytes) { skipped = new SkippedFile(path, SkipReason.TooLarge, $"{f.Length} bytes"); return null; }
        byte[] bytes;
        try { bytes = File.ReadAllBytes(f.FullName); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            skipped = new SkippedFile(path, SkipReason.RepoFailed, "unreadable: " + e.Message);
            return null;
        }
        return FileContent.Decode(path, bytes, out skipped);
    }

    public IReadOnlyList<FileChange> Changes(CommitInfo commit)
    {
        Check(commit.Sha);
        return _state.Value.Entries.Select(e => new FileChange(ChangeKind.Added, e.Path, null)).ToList();
    }

    public string? ReadText(string commitSha, string path, long maxBytes, out SkippedFile? skipped)
    {
        Check(commitSha);
        skipped = null;
        foreach (var (p, info) in _state.Value.Entries)
            if (p == path) return Read(p, info, maxBytes, out skipped);
        return null;
    }

    /// <summary>The snapshot against the empty tree, formatted as git formats new files.</summary>
    public string ProductionDiff(string? fromSha, string toSha, MiningRules rules)
    {
        Check(toSha);
        if (fromSha is not null) { Check(fromSha); return ""; }
        var sb = new StringBuilder();
        foreach (var (path, info) in _state.Value.Entries)
        {
            if (!FileRules.IsProductionFile(path, rules)) continue;
            var text = Read(path, info, rules.MaxFileBytes, out _);
            if (text is null) continue;
            var lines = text.Split('\n');
            int n = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
            sb.Append($"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1{(n == 1 ? "" : "," + n)} @@\n");
            for (int i = 0; i < n; i++) sb.Append('+').Append(lines[i]).Append('\n');
            if (!text.EndsWith('\n')) sb.Append("\\ No newline at end of file\n");
        }
        return sb.ToString();
    }

    public void Dispose() { }
}
