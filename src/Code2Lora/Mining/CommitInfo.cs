namespace Code2Lora.Mining;

/// <summary>
/// One commit of a first-parent history; <paramref name="Index"/> counts from 0 at the root. <paramref name="Timestamp"/>
/// is the committer date (what <c>git log --until</c> and the cutoff use).
/// </summary>
public sealed record CommitInfo(string Sha, int Index, DateTimeOffset Timestamp, string Message, string? FirstParentSha)
{
    /// <summary>The author date; the authors' <c>commit_timestamp</c> column is this one (<c>%aI</c>).</summary>
    public DateTimeOffset AuthorTimestamp { get; init; } = Timestamp;
}
