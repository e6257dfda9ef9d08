namespace Code2Lora.Hub;

/// <summary>One file of a repository at a commit, as the Hub's tree API lists it.</summary>
/// <param name="Path">Repository-relative path with '/' separators.</param>
/// <param name="Size">Size in bytes of the file's content (for LFS files, of the real content, not the pointer).</param>
/// <param name="BlobId">Git blob id (sha1): of the content for regular files, of the LFS pointer for LFS files.</param>
/// <param name="Sha256">sha256 of the content of an LFS file; null for a regular git file.</param>
public sealed record HubFile(string Path, long Size, string BlobId, string? Sha256)
{
    /// <summary>True when the content is stored in LFS (or Xet) rather than in git.</summary>
    public bool IsLfs => Sha256 is not null;

    /// <summary>The Hub's ETag of the file and its blob name in the cache: sha256 for LFS files, the git blob id otherwise.</summary>
    public string Etag => Sha256 ?? BlobId;

    /// <summary>Refuses a path that would land outside the target folder (absolute, drive, UNC, '..', backslash, empty segment),
    /// as huggingface_hub does: the listing comes from the network.</summary>
    public static void CheckSafePath(string path)
    {
        var segments = path.Split('/');
        var unsafePath = path.Length == 0 || path.Contains('\\') || path.Contains('\0') || path.StartsWith('/')
                         || segments.Any(s => s is "" or "." or "..") || (segments[0].Length >= 2 && segments[0][1] == ':');
        if (unsafePath)
            throw new HubException(HubErrorKind.Server,
                $"the repository lists a file named '{path}', which would be written outside the download folder; refusing it (ask the repository owner to rename it, or exclude it with --exclude).");
    }
}
