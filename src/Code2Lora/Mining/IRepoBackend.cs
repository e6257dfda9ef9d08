namespace Code2Lora.Mining;

/// <summary>What <see cref="RepoSource"/> needs from a git repository or a plain directory.</summary>
internal interface IRepoBackend : IDisposable
{
    IReadOnlyList<CommitInfo> FirstParentHistory(DateTimeOffset? until);
    CommitInfo Head { get; }
    Snapshot ReadSnapshot(string repoId, string? commitSha, Func<string, bool>? include, MiningRules rules);
    IReadOnlyList<FileChange> Changes(CommitInfo commit);
    string? ReadText(string commitSha, string path, long maxBytes, out SkippedFile? skipped);
    string ProductionDiff(string? fromSha, string toSha, MiningRules rules);
}
