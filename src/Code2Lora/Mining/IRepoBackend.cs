namespace Code2Lora.Mining;

/// <summary>What <see cref="RepoSource"/> needs from a storage kind: a git repository or a plain directory.</summary>
internal interface IRepoBackend : IDisposable
{
    /// <summary>The full first-parent history, oldest first.</summary>
    IReadOnlyList<CommitInfo> History { get; }

    /// <summary>Reads every file at <paramref name="sha"/> (or records why not).</summary>
    Snapshot ReadSnapshot(string repoId, string sha, Func<string, bool>? include);

    /// <summary>The paths changed by <paramref name="commit"/> relative to its first parent.</summary>
    IReadOnlyList<FileChange> Changes(CommitInfo commit);

    /// <summary>Reads one file at one commit.</summary>
    string? ReadText(string sha, string path, out SkippedFile? skipped);

    /// <summary>The filtered unified diff between two commits.</summary>
    string ProductionDiff(string? fromSha, string toSha, MiningRules rules);
}
