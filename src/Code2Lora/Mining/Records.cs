namespace Code2Lora.Mining;

/// <summary>A decoded text file of a repository: repo-relative path with '/' separators, strict UTF-8 text without BOM.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>A repository's files at one commit: those read, and those left out with their reasons.</summary>
public sealed record Snapshot(string RepoId, string CommitSha, IReadOnlyList<SourceFile> Files, IReadOnlyList<SkippedFile> Skipped);

/// <summary>One commit of a first-parent history; <see cref="Index"/> counts from 0 at the oldest.</summary>
public sealed record CommitInfo(string Sha, int Index, DateTimeOffset Timestamp, string Message, string? FirstParentSha);

/// <summary>How a file changed in a commit relative to its first parent.</summary>
public enum ChangeKind { Added, Modified, Deleted, Renamed }

/// <summary>A changed file; <see cref="OldPath"/> is set for renames.</summary>
public sealed record FileChange(ChangeKind Kind, string Path, string? OldPath);
