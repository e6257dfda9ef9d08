namespace Code2Lora.Mining;

/// <summary>A file read as text: repo-relative path with '/' separators, contents decoded strictly as UTF-8 (BOM stripped).</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>A file that was not read, and why.</summary>
public sealed record SkippedFile(string Path, SkipReason Reason, string? Detail);

/// <summary>The readable files of a repository at one commit, plus every file that could not be read.</summary>
public sealed record Snapshot(string RepoId, string CommitSha, IReadOnlyList<SourceFile> Files, IReadOnlyList<SkippedFile> Skipped);
