using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>A commit's changes in the order the ledger applies them, with its test-file versions read (and, after their jobs ran, parsed).</summary>
public sealed class PendingCommit
{
    internal PendingCommit(CommitInfo commit, IReadOnlyList<Step> steps)
    {
        Commit = commit;
        Steps = steps;
        Jobs = steps.Select(s => s.Version?.Job).OfType<ClaimableJob>().ToList();
    }

    /// <summary>The commit.</summary>
    public CommitInfo Commit { get; }
    /// <summary>The parses still to run.</summary>
    public IReadOnlyList<ClaimableJob> Jobs { get; }
    internal IReadOnlyList<Step> Steps { get; }

    /// <summary>One changed path: a rename or deletion to apply, a version to compare, or a file that could not be read.</summary>
    internal sealed record Step(FileChange Change, TestFileVersion? Version, SkippedFile? Unread);
}
