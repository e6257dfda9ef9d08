namespace Code2Lora.Mining;

/// <summary>How a path changed between a commit and its first parent.</summary>
public enum ChangeKind
{
    /// <summary>New path.</summary>
    Added,
    /// <summary>Same path, new contents or mode (type changes such as file → symlink count here).</summary>
    Modified,
    /// <summary>Path removed.</summary>
    Deleted,
    /// <summary>Moved (possibly with edits) from <see cref="FileChange.OldPath"/>, by git's similarity detection.</summary>
    Renamed,
}

/// <summary>One changed path of a commit; <paramref name="OldPath"/> is set for renames only.</summary>
public sealed record FileChange(ChangeKind Kind, string Path, string? OldPath);
