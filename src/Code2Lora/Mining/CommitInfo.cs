namespace Code2Lora.Mining;

/// <summary>
/// One commit of a first-parent history; <paramref name="Index"/> counts from 0 at the root. <paramref name="Timestamp"/> is
/// the committer date, the one date of a commit in this package: the history cutoff compares it (what <c>git log --until</c>
/// does), and the evolution track's <c>commit_timestamp</c> stores it. The committer date is when a commit entered the
/// branch, so it orders a first-parent history (author dates of rebased or cherry-picked commits can run backwards) and
/// it is the date that decides whether a commit existed before a cutoff.
/// </summary>
public sealed record CommitInfo(string Sha, int Index, DateTimeOffset Timestamp, string Message, string? FirstParentSha);
