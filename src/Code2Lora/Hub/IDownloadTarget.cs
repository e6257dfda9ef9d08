namespace Code2Lora.Hub;

/// <summary>Where downloaded files go: huggingface_hub's cache layout (<see cref="CacheTarget"/>) or a plain folder
/// (<see cref="LocalDirTarget"/>). The download itself (resume, verify, rename into place) is the same for both.</summary>
internal interface IDownloadTarget
{
    /// <summary>The folder that holds trees/{commit}.json.</summary>
    string TreeFolder { get; }

    /// <summary>The folder the user gets back for a commit: a snapshot folder, or the plain folder itself.</summary>
    string ResultFolder(string commit);

    /// <summary>The commit a branch or tag was last resolved to here, if recorded.</summary>
    string? ReadRef(string revision);

    /// <summary>Records that <paramref name="revision"/> resolved to <paramref name="commit"/>.</summary>
    void WriteRef(string revision, string commit);

    /// <summary>True when the file is already in place for this commit (linking an existing blob if needed), so nothing is fetched.</summary>
    bool TryReuse(HubFile file, string commit);

    /// <summary>True when the file is present for this commit, without changing anything (offline mode).</summary>
    bool IsPresent(HubFile file, string commit);

    /// <summary>The ".incomplete" file a download of <paramref name="file"/> appends to; kept across runs for resuming.</summary>
    string IncompletePath(HubFile file);

    /// <summary>The lock file that serialises writers of <paramref name="file"/>'s bytes.</summary>
    string LockPath(HubFile file);

    /// <summary>Moves a verified partial file into place (one rename) and makes it visible at its path for <paramref name="commit"/>.</summary>
    void Install(HubFile file, string commit, string verifiedPartial);

    /// <summary>The path a user reads <paramref name="file"/> from.</summary>
    string FinalPath(HubFile file, string commit);
}
