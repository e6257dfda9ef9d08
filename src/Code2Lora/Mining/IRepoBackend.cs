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

    /// <summary>The content id (git blob sha) of a regular file at a commit; null when there is none to give (then <see cref="ReadText"/> says why).</summary>
    string? BlobId(string sha, string path);

    /// <summary>Reads a file's content by its <see cref="BlobId"/>, with the checks of <see cref="ReadText"/>.</summary>
    string? ReadBlob(string blobId, string path, out SkippedFile? skipped);

    /// <summary>The filtered unified diff between two commits.</summary>
    string ProductionDiff(string? fromSha, string toSha, MiningRules rules);
}
