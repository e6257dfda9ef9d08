using System.Security.Cryptography;
using System.Text;

namespace Code2Lora.Mining;

/// <summary>
/// A plain directory (e.g. an installed Debian package) seen as a one-commit history. The commit id is a SHA-1 over
/// the sorted paths and contents of everything outside the skipped directories, so the same files give the same id.
/// Symbolic links are listed, never followed.
/// </summary>
internal sealed class DirectoryBackend : IRepoBackend
{
    private enum EntryKind { File, Symlink, BadName, Unreadable }

    private sealed record Entry(string Path, string FullPath, EntryKind Kind, long Length, string? SkippedDirectory, string? Detail);

    private readonly string root;
    private readonly MiningRules rules;
    private readonly List<Entry> entries;
    private readonly Dictionary<string, Entry> byPath;
    private CommitInfo? commit;

    private DirectoryBackend(string root, MiningRules rules, List<Entry> entries)
    {
        this.root = root;
        this.rules = rules;
        this.entries = entries;
        byPath = entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    /// <summary>Lists the directory tree once; contents are read on demand.</summary>
    public static DirectoryBackend Open(string root, MiningRules rules)
    {
        var entries = new List<Entry>();
        Walk(new DirectoryInfo(root), "", null, rules, entries);
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new DirectoryBackend(root, rules, entries);
    }

    private static void Walk(DirectoryInfo dir, string prefix, string? skippedDir, MiningRules rules, List<Entry> entries)
    {
        FileSystemInfo[] children;
        try { children = dir.GetFileSystemInfos(); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // The files inside are unknown, so the directory itself is what gets reported.
            entries.Add(new Entry(prefix.TrimEnd('/'), dir.FullName, EntryKind.Unreadable, 0, skippedDir, $"directory not readable: {e.Message}"));
            return;
        }
        foreach (var child in children)
        {
            var path = prefix + child.Name;
            // A name that is not UTF-8 comes back with U+FFFD and cannot be opened again, so it is reported as it is.
            if (SourceText.HasInvalidPathEncoding(child.Name))
            {
                entries.Add(new Entry(path, child.FullName, EntryKind.BadName, 0, skippedDir, "the file name's bytes are not UTF-8"));
                continue;
            }
            try
            {
                if (child.LinkTarget is not null)
                    entries.Add(new Entry(path, child.FullName, EntryKind.Symlink, 0, skippedDir, $"-> {child.LinkTarget}"));
                else if (child is DirectoryInfo sub)
                    Walk(sub, path + "/", skippedDir ?? (FileRules.IsSkippedDirectoryName(child.Name, rules) ? path : null), rules, entries);
                else
                    entries.Add(new Entry(path, child.FullName, EntryKind.File, ((FileInfo)child).Length, skippedDir, null));
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                entries.Add(new Entry(path, child.FullName, EntryKind.Unreadable, 0, skippedDir, e.Message));
            }
        }
    }

    public IReadOnlyList<CommitInfo> History => [commit ??= SyntheticCommit()];

    private CommitInfo SyntheticCommit()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var newest = DateTimeOffset.UnixEpoch;
        foreach (var e in entries.Where(e => e.SkippedDirectory is null))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{e.Kind}\0{e.Path}\0{e.Length}\0{e.Detail}\0"));
            if (e.Kind != EntryKind.File) continue;
            try
            {
                using var stream = new FileStream(e.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
                var buffer = new byte[1 << 16];
                int n;
                while ((n = stream.Read(buffer)) > 0) sha.AppendData(buffer.AsSpan(0, n));
                var written = File.GetLastWriteTimeUtc(e.FullPath);
                if (written > newest) newest = new DateTimeOffset(written.Ticks - written.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                sha.AppendData(Encoding.UTF8.GetBytes("\0unreadable\0"));
            }
        }
        var id = Convert.ToHexStringLower(sha.GetHashAndReset());
        return new CommitInfo(id, 0, newest, $"Snapshot of plain directory '{Path.GetFileName(root)}'", null);
    }

    private void RequireOwnSha(string sha)
    {
        var own = History[0].Sha;
        if (!string.Equals(sha, own, StringComparison.OrdinalIgnoreCase))
            throw new MiningException($"'{root}' is a plain directory whose only snapshot is {own}; there is no commit '{sha}'.");
    }

    public Snapshot ReadSnapshot(string repoId, string sha, Func<string, bool>? include)
    {
        RequireOwnSha(sha);
        var files = new List<SourceFile>();
        var skipped = new List<SkippedFile>();
        foreach (var e in entries)
        {
            if (include is not null && !include(e.Path)) continue;
            if (e.SkippedDirectory is not null && e.Kind != EntryKind.Unreadable)
            {
                skipped.Add(new SkippedFile(e.Path, SkipReason.SkippedDirectory, e.SkippedDirectory));
                continue;
            }
            var text = Read(e, out var skip);
            if (text is not null) files.Add(new SourceFile(e.Path, text));
            else skipped.Add(skip!);
        }
        return new Snapshot(repoId, History[0].Sha, files, skipped);
    }

    private string? Read(Entry e, out SkippedFile? skipped)
    {
        skipped = e.Kind switch
        {
            EntryKind.Unreadable => new SkippedFile(e.Path, SkipReason.Unreadable, e.Detail),
            EntryKind.Symlink => new SkippedFile(e.Path, SkipReason.Symlink, e.Detail),
            EntryKind.BadName => new SkippedFile(e.Path, SkipReason.InvalidPathEncoding, e.Detail),
            _ when e.Length > rules.MaxFileBytes => new SkippedFile(e.Path, SkipReason.TooLarge, $"{e.Length} bytes > {rules.MaxFileBytes}"),
            // FIFOs, sockets and device nodes report length 0 too; they are never opened, so reading cannot block.
            _ when e.Length == 0 => new SkippedFile(e.Path, SkipReason.Empty, null),
            _ => null,
        };
        if (skipped is not null) return null;
        try
        {
            // Read at most one byte past the limit, in case the file grew after it was listed.
            using var stream = new FileStream(e.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var bytes = new byte[Math.Min(e.Length, rules.MaxFileBytes) + 1];
            var total = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return SourceText.Decode(e.Path, bytes.AsSpan(0, total), rules, out skipped);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            skipped = new SkippedFile(e.Path, SkipReason.Unreadable, ex.Message);
            return null;
        }
    }

    public IReadOnlyList<FileChange> Changes(CommitInfo commit)
    {
        RequireOwnSha(commit.Sha);
        return entries.Select(e => new FileChange(ChangeKind.Added, e.Path, null)).ToList();
    }

    public string? ReadText(string sha, string path, out SkippedFile? skipped)
    {
        RequireOwnSha(sha);
        if (byPath.TryGetValue(path, out var e)) return Read(e, out skipped);
        skipped = new SkippedFile(path, SkipReason.Missing, $"not in directory '{root}'");
        return null;
    }

    // A one-commit history never sees a file twice, so there is nothing a content id would save.
    public string? BlobId(string sha, string path) => null;

    public string? ReadBlob(string blobId, string path, out SkippedFile? skipped) =>
        throw new InvalidOperationException("a plain directory has no blob ids");

    public string ProductionDiff(string? fromSha, string toSha, MiningRules diffRules) =>
        throw new MiningException($"'{root}' is a plain directory with no history; production-code diffs need a git repository.");

    public void Dispose() { }
}
