using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Code2Lora.Runtime;

namespace Code2Lora.Hub;

/// <summary>Downloads into a plain folder, laid out as huggingface_hub's local_dir: files at their repository paths, and per file
/// ".cache/huggingface/download/&lt;path&gt;.metadata" (commit, etag, timestamp) telling a later run, or `hf download --local-dir`,
/// that the file is current.</summary>
internal sealed class LocalDirTarget(string root) : IDownloadTarget
{
    private readonly string _root = Path.GetFullPath(root);

    private string HfFolder => Path.Combine(_root, ".cache", "huggingface");

    public string TreeFolder => HfFolder;

    public string ResultFolder(string commit) => _root;

    // A plain folder records no refs: a branch is resolved online each time (offline mode takes the folder as it is).
    public string? ReadRef(string revision) => HubApi.IsCommitHash(revision) ? revision : null;

    public void WriteRef(string revision, string commit)
    {
        HubCache.TagAsCache(HfFolder);
        var ignore = Path.Combine(HfFolder, ".gitignore");
        if (!File.Exists(ignore)) AtomicFile.WriteText(ignore, "*");
    }

    public string FinalPath(HubFile file, string commit) => Path.Combine([_root, .. file.Path.Split('/')]);

    private string MetadataPath(HubFile file) => Path.Combine([HfFolder, "download", .. file.Path.Split('/')]) + ".metadata";

    public string LockPath(HubFile file) => Path.ChangeExtension(MetadataPath(file), ".lock");

    // huggingface_hub: "{short hash of the metadata file name}.{etag}.incomplete" beside the metadata file.
    public string IncompletePath(HubFile file)
    {
        var metadata = MetadataPath(file);
        var shortHash = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(Path.GetFileName(metadata)))).Replace('+', '-').Replace('/', '_');
        return Path.Combine(Path.GetDirectoryName(metadata)!, $"{shortHash}.{file.Etag}.incomplete");
    }

    public bool IsPresent(HubFile file, string commit) =>
        File.Exists(FinalPath(file, commit)) && ReadMetadata(file) is { } m && m.Etag == file.Etag;

    public bool TryReuse(HubFile file, string commit)
    {
        var path = FinalPath(file, commit);
        if (!File.Exists(path) || new FileInfo(path).Length != file.Size) return false;
        // Without current metadata (copied in by hand, or edited since) the content decides, as huggingface_hub does for LFS files.
        if (ReadMetadata(file) is not { } m || m.Etag != file.Etag)
            if (ContentHash.OfFile(file, path) != file.Etag) return false;
        WriteMetadata(file, commit);
        return true;
    }

    public void Install(HubFile file, string commit, string verifiedPartial)
    {
        var path = FinalPath(file, commit);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(verifiedPartial, path, overwrite: true);
        WriteMetadata(file, commit);
    }

    private sealed record Metadata(string Commit, string Etag, double Timestamp);

    // Valid only while the file is not newer than the record (1 s slack for coarse mtimes), as huggingface_hub checks.
    private Metadata? ReadMetadata(HubFile file)
    {
        var path = MetadataPath(file);
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path);
        if (lines.Length < 3 || !double.TryParse(lines[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var timestamp)) return null;
        var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(FinalPath(file, ""))).ToUnixTimeMilliseconds() / 1000.0;
        return modified - 1 <= timestamp ? new Metadata(lines[0].Trim(), lines[1].Trim(), timestamp) : null;
    }

    private void WriteMetadata(HubFile file, string commit)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        AtomicFile.WriteText(MetadataPath(file), string.Create(CultureInfo.InvariantCulture, $"{commit}\n{file.Etag}\n{now:0.000}\n"));
    }
}
