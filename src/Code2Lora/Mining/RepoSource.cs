using LibGit2Sharp;

namespace Code2Lora.Mining;

/// <summary>
/// One repository to mine: a git repository (work tree or bare) or a plain directory, which is treated as a history
/// of one synthetic commit. Not thread-safe; open one per worker.
/// </summary>
public sealed class RepoSource : IDisposable
{
    private readonly IRepoBackend backend;

    private RepoSource(string repoId, string root, bool isPlainDirectory, MiningRules rules, IRepoBackend backend)
    {
        RepoId = repoId;
        Root = root;
        IsPlainDirectory = isPlainDirectory;
        Rules = rules;
        this.backend = backend;
    }

    /// <summary>Opens <paramref name="path"/>; throws <see cref="MiningException"/> naming the path if it is missing, unreadable or an empty repository.</summary>
    public static RepoSource Open(string path, string? repoId = null, MiningRules? rules = null)
    {
        rules ??= new MiningRules();
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full)) throw new MiningException($"'{path}' is a file, not a repository directory.");
        if (!Directory.Exists(full)) throw new MiningException($"Repository path '{path}' does not exist.");
        try
        {
            using var probe = Directory.EnumerateFileSystemEntries(full).GetEnumerator();
            probe.MoveNext();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new MiningException($"Repository path '{path}' is not readable: {e.Message}", e);
        }

        var id = repoId ?? DefaultRepoId(full);
        if (Repository.IsValid(full))
            return new RepoSource(id, full, false, rules, GitBackend.Open(full, rules));
        // A .git entry that libgit2 refuses is a broken repository, not a plain directory to be read file by file.
        if (Directory.Exists(Path.Combine(full, ".git")) || File.Exists(Path.Combine(full, ".git")))
            return new RepoSource(id, full, false, rules, GitBackend.Open(full, rules));
        return new RepoSource(id, full, true, rules, DirectoryBackend.Open(full, rules));
    }

    /// <summary>
    /// The id a repository gets when the caller names none: owner/name from the URL of its <c>origin</c> remote (a clone of
    /// GitHub, or a shipped history), else the folder name (without a trailing <c>.git</c>).
    /// </summary>
    public static string DefaultRepoId(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return OriginRepoId(full) ?? FolderRepoId(full);
    }

    private static string? OriginRepoId(string full)
    {
        if (!Repository.IsValid(full)) return null;
        try
        {
            using var repo = new Repository(full);
            var url = repo.Network.Remotes["origin"]?.Url;
            // Only real URLs: a local path such as "repos/tinydb" would otherwise read as owner/name.
            if (url is null || !(url.Contains("://", StringComparison.Ordinal) || url.StartsWith("git@", StringComparison.Ordinal))) return null;
            return RepoList.ParseLine(url)?.RepoId;
        }
        catch (LibGit2SharpException) { return null; }
    }

    private static string FolderRepoId(string full)
    {
        var name = Path.GetFileName(full);
        if (name == ".git") return Path.GetFileName(Path.GetDirectoryName(full)!) ?? name;
        return name.EndsWith(".git", StringComparison.Ordinal) && name.Length > 4 ? name[..^4] : name;
    }

    /// <summary>The repository's id in outputs: the caller's, else <see cref="DefaultRepoId"/> (owner/name when the origin remote knows it).</summary>
    public string RepoId { get; }

    /// <summary>The absolute path that was opened.</summary>
    public string Root { get; }

    /// <summary>True for a plain directory (one synthetic commit, no diffs).</summary>
    public bool IsPlainDirectory { get; }

    /// <summary>The rules used for snapshots (skipped directories, size limit).</summary>
    public MiningRules Rules { get; }

    /// <summary>
    /// The first-parent history, oldest first. With <paramref name="until"/> the history is cut before the first commit
    /// whose committer date is after it, so what remains is a prefix: indices stay contiguous and every kept commit's
    /// first parent is kept (paper: cutoff 2025-04-01).
    /// </summary>
    public IReadOnlyList<CommitInfo> FirstParentHistory(DateTimeOffset? until = null)
    {
        var all = backend.History;
        if (until is null) return all;
        var end = 0;
        while (end < all.Count && all[end].Timestamp <= until.Value) end++;
        return end == all.Count ? all : all.Take(end).ToList();
    }

    /// <summary>The newest commit of the first-parent history (for a plain directory, its synthetic commit).</summary>
    public CommitInfo Head => backend.History[^1];

    /// <summary>
    /// Reads every file at <paramref name="commitSha"/> (default: <see cref="Head"/>). Files that fail
    /// <paramref name="include"/> are left out silently; every other unread file is listed in <see cref="Snapshot.Skipped"/>.
    /// </summary>
    public Snapshot ReadSnapshot(string? commitSha = null, Func<string, bool>? include = null) =>
        backend.ReadSnapshot(RepoId, commitSha ?? Head.Sha, include);

    /// <summary>The paths <paramref name="commit"/> changed against its first parent (or the empty tree), with renames detected.</summary>
    public IReadOnlyList<FileChange> Changes(CommitInfo commit) => backend.Changes(commit);

    /// <summary>Reads one file at one commit, or returns null with the reason; skipped directories are not applied here.</summary>
    public string? ReadText(string commitSha, string path, out SkippedFile? skipped) => backend.ReadText(commitSha, path, out skipped);

    /// <summary>
    /// <c>git diff -U3 from to</c> (null = empty tree) restricted to whole per-file sections whose new path is a
    /// production file (<see cref="FileRules.IsProductionPath"/>); '' if none. Git repositories only.
    /// </summary>
    public string ProductionDiff(string? fromSha, string toSha, MiningRules rules) => backend.ProductionDiff(fromSha, toSha, rules);

    /// <summary>Releases the underlying repository handle.</summary>
    public void Dispose() => backend.Dispose();
}
