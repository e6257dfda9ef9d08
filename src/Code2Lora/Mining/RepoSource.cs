namespace Code2Lora.Mining;

/// <summary>
/// A repository to mine: a git repository (work tree or bare), or a plain directory read as a one-commit snapshot.
/// Never throws on a bad file (it is reported as skipped); throws <see cref="MiningException"/> when the repository
/// as a whole cannot be read.
/// </summary>
public sealed class RepoSource : IDisposable
{
    private readonly IRepoBackend _backend;
    private readonly MiningRules _rules;

    private RepoSource(string repoId, bool plain, IRepoBackend backend, MiningRules rules)
    {
        RepoId = repoId;
        IsPlainDirectory = plain;
        _backend = backend;
        _rules = rules;
    }

    /// <summary>The repository's id in benchmark rows (default: the folder name).</summary>
    public string RepoId { get; }

    /// <summary>True when the source is a plain directory (one synthetic commit).</summary>
    public bool IsPlainDirectory { get; }

    /// <summary>Opens <paramref name="path"/>; a git repository if it is one, otherwise a plain directory.</summary>
    public static RepoSource Open(string path, string? repoId = null, MiningRules? rules = null)
    {
        rules ??= new MiningRules();
        var full = Path.GetFullPath(path);
        var id = repoId ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        if (!Directory.Exists(full)) throw new MiningException($"repository path '{full}' does not exist or is not a directory");
        if (LibGit2Sharp.Repository.IsValid(full)) return new RepoSource(id, false, GitBackend.Open(full), rules);
        return new RepoSource(id, true, new DirectoryBackend(full), rules);
    }

    /// <summary>The first-parent history, oldest first; commits after <paramref name="until"/> are left out.</summary>
    public IReadOnlyList<CommitInfo> FirstParentHistory(DateTimeOffset? until = null) => _backend.FirstParentHistory(until);

    /// <summary>The commit HEAD points at.</summary>
    public CommitInfo Head => _backend.Head;

    /// <summary>
    /// Reads every file at <paramref name="commitSha"/> (HEAD when null) that <paramref name="include"/> accepts;
    /// the ones that cannot be used (binary, invalid UTF-8, too large, symlink, submodule, empty, skipped directory)
    /// are listed in <see cref="Snapshot.Skipped"/> with the reason.
    /// </summary>
    public Snapshot ReadSnapshot(string? commitSha = null, Func<string, bool>? include = null) =>
        _backend.ReadSnapshot(RepoId, commitSha, include, _rules);

    /// <summary>The files a commit changed relative to its first parent (the empty tree for a root commit), with renames.</summary>
    public IReadOnlyList<FileChange> Changes(CommitInfo commit) => _backend.Changes(commit);

    /// <summary>The text of one file at one commit, or null with the reason it cannot be used.</summary>
    public string? ReadText(string commitSha, string path, out SkippedFile? skipped) =>
        _backend.ReadText(commitSha, path, _rules.MaxFileBytes, out skipped);

    /// <summary>
    /// The unified diff (git diff -U3 --no-renames) between two commits (null = the empty tree) restricted to production
    /// files: non-test files with the rules' extensions outside skipped directories. Empty when none changed.
    /// </summary>
    public string ProductionDiff(string? fromSha, string toSha, MiningRules rules) => _backend.ProductionDiff(fromSha, toSha, rules);

    /// <inheritdoc />
    public void Dispose() => _backend.Dispose();
}
