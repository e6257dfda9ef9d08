using Code2Lora.Bench;
using Code2Lora.Mining;

namespace Code2Lora.Evaluation.Context;

/// <summary>
/// Reads the files of a benchmark repository at a task's commit the way the embedding pipeline does (<see cref="RepoSource"/>
/// with the given mining rules: skipped directories, 2 MB limit, binary and non-UTF-8 files left out), keyed by repository id
/// as the benchmark names it. Problems come back as a short reason instead of an exception.
/// </summary>
public sealed class RepoSnapshots(IEnumerable<RepoInput> repos)
{
    private readonly Dictionary<string, RepoInput> byId = repos.GroupBy(r => r.RepoId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>Reason of a task whose repository is not among the inputs.</summary>
    public const string RepoMissing = "repo-missing";

    /// <summary>Reason of a repository that cannot be opened or has no such commit.</summary>
    public const string SnapshotUnreadable = "snapshot-unreadable";

    /// <summary>True if <paramref name="repoId"/> is among the inputs.</summary>
    public bool Knows(string repoId) => byId.ContainsKey(repoId);

    /// <summary>The files of <paramref name="repoId"/> at <paramref name="commitSha"/> that <paramref name="include"/> accepts, or null with the reason.</summary>
    public Snapshot? TryRead(string repoId, string commitSha, MiningRules rules, Func<string, bool> include, out string? reason, out string? detail)
    {
        reason = detail = null;
        if (!byId.TryGetValue(repoId, out var input))
        {
            reason = RepoMissing;
            return null;
        }
        try
        {
            using var source = RepoSource.Open(input.Path, repoId, rules);
            return source.ReadSnapshot(string.IsNullOrEmpty(commitSha) ? null : commitSha, include);
        }
        catch (Exception e) when (e is MiningException or IOException or UnauthorizedAccessException or LibGit2Sharp.LibGit2SharpException or ArgumentException)
        {
            reason = SnapshotUnreadable;
            detail = $"{repoId}@{commitSha}: {e.Message}";
            return null;
        }
    }
}
