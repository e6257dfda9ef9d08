using Code2Lora.Runtime;

namespace Code2Lora.Hub;

/// <summary>huggingface_hub's cache layout under one root (HF_HUB_CACHE):
/// {root}/{models|datasets}--{owner}--{name}/{blobs/&lt;etag&gt;, snapshots/&lt;commit&gt;/&lt;path&gt; → ../../blobs/&lt;etag&gt;, refs/&lt;revision&gt;, trees/&lt;commit&gt;.json}
/// and {root}/.locks/. The same folder serves transformers, huggingface_hub and this package.</summary>
public sealed class HubCache(string root)
{
    /// <summary>The cache root.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The repository's folder: "{root}/models--Qwen--Qwen2.5-Coder-1.5B".</summary>
    public string RepoFolder(HubRepo repo) => Path.Combine(Root, repo.CacheFolderName);

    /// <summary>The folder whose entries are the repository's files at <paramref name="commit"/>.</summary>
    public string SnapshotFolder(HubRepo repo, string commit) => Path.Combine(RepoFolder(repo), "snapshots", commit);

    /// <summary>The commit recorded in refs/{revision}, or the revision itself when it is a full commit id; null when unknown.</summary>
    public string? ReadRef(HubRepo repo, string revision)
    {
        if (HubApi.IsCommitHash(revision)) return revision;
        var path = RefPath(repo, revision);
        if (!File.Exists(path)) return null;
        var commit = File.ReadAllText(path).Trim();
        return HubApi.IsCommitHash(commit) ? commit : null;
    }

    /// <summary>The snapshot folder of <paramref name="revision"/> when it was downloaded here (at least in part), else null.</summary>
    public string? FindSnapshot(HubRepo repo, string revision = "main") =>
        ReadRef(repo, revision) is { } commit && Directory.Exists(SnapshotFolder(repo, commit)) ? SnapshotFolder(repo, commit) : null;

    /// <summary>Writes CACHEDIR.TAG (bford.info/cachedir), as huggingface_hub does, so backup tools skip the folder.</summary>
    internal static void TagAsCache(string folder)
    {
        Directory.CreateDirectory(folder);
        var tag = Path.Combine(folder, "CACHEDIR.TAG");
        if (!File.Exists(tag))
            AtomicFile.WriteText(tag, "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by huggingface_hub.\n"
                                      + "# For information about cache directory tags, see:\n#\thttps://bford.info/cachedir/\n");
    }

    internal string RefPath(HubRepo repo, string revision)
    {
        // Branch names may hold '/' (refs/pr/1), which huggingface_hub stores as nested folders; '..' would climb out.
        if (revision.Split('/').Any(s => s is "" or "." or "..") || revision.Contains('\\'))
            throw new HubException(HubErrorKind.InvalidInput, $"revision '{revision}' is not a branch, tag or commit name.");
        return Path.Combine([RepoFolder(repo), "refs", .. revision.Split('/')]);
    }
}
