using Code2Lora.Runtime;

namespace Code2Lora.Hub;

/// <summary>Downloads into huggingface_hub's cache: bytes go to blobs/&lt;etag&gt; (named by sha256 or git blob id, so a file shared by two
/// commits is stored once), and snapshots/&lt;commit&gt;/&lt;path&gt; is a relative symlink to it (a copy where symlinks are refused).</summary>
internal sealed class CacheTarget(HubCache cache, HubRepo repo) : IDownloadTarget
{
    private string RepoFolder => cache.RepoFolder(repo);

    public string TreeFolder => RepoFolder;

    public string ResultFolder(string commit) => cache.SnapshotFolder(repo, commit);

    public string? ReadRef(string revision) => cache.ReadRef(repo, revision);

    public void WriteRef(string revision, string commit)
    {
        HubCache.TagAsCache(cache.Root);
        if (revision == commit || cache.ReadRef(repo, revision) == commit) return;
        // No trailing newline: huggingface_hub reads the ref with f.read() and uses it verbatim.
        AtomicFile.WriteText(cache.RefPath(repo, revision), commit);
    }

    private string BlobPath(HubFile file) => Path.Combine(RepoFolder, "blobs", file.Etag);

    public string FinalPath(HubFile file, string commit) => Path.Combine([ResultFolder(commit), .. file.Path.Split('/')]);

    public string IncompletePath(HubFile file) => BlobPath(file) + ".incomplete";

    public string LockPath(HubFile file) => Path.Combine(cache.Root, ".locks", repo.CacheFolderName, file.Etag + ".lock");

    public bool IsPresent(HubFile file, string commit) => HasSize(FinalPath(file, commit), file.Size);

    public bool TryReuse(HubFile file, string commit)
    {
        if (IsPresent(file, commit)) return true;
        if (!HasSize(BlobPath(file), file.Size)) return false;
        Link(file, commit);
        return true;
    }

    public void Install(HubFile file, string commit, string verifiedPartial)
    {
        File.Move(verifiedPartial, BlobPath(file), overwrite: true);
        Link(file, commit);
    }

    // A pointer counts only when the blob it links to is there with the listed size (FileInfo.Length of a symlink is the link's own).
    private static bool HasSize(string path, long size)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
        return info is { Exists: true } && info.Length == size;
    }

    private void Link(HubFile file, string commit)
    {
        var pointer = FinalPath(file, commit);
        var folder = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(folder);
        var blob = BlobPath(file);
        var staged = Path.Combine(folder, $".{Path.GetFileName(pointer)}.{Guid.NewGuid():N}.link");
        try
        {
            File.CreateSymbolicLink(staged, Path.GetRelativePath(folder, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Some file systems (and Windows without developer mode) refuse symlinks; huggingface_hub then copies too.
            File.Copy(blob, staged, overwrite: true);
        }
        // rename(2) replaces the pointer (file or symlink) in one step, so a reader never sees it missing.
        File.Move(staged, pointer, overwrite: true);
    }
}
