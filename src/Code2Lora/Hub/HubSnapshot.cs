namespace Code2Lora.Hub;

/// <summary>The outcome of a download: the folder to read from and what happened.</summary>
/// <param name="Folder">The snapshot folder (cache) or the plain folder: point `--model` or a loader at it.</param>
/// <param name="Commit">The commit the files are from (null offline in a plain folder, which records none for a branch).</param>
/// <param name="Files">The selected files' paths on disk, in repository-path order.</param>
/// <param name="Downloaded">Files fetched in this run.</param>
/// <param name="Reused">Files that were already in place.</param>
/// <param name="BytesTransferred">Bytes received over the network.</param>
/// <param name="Offline">True when served from the local copy under HF_HUB_OFFLINE.</param>
public sealed record HubSnapshot(string Folder, string? Commit, IReadOnlyList<string> Files, int Downloaded, int Reused, long BytesTransferred, bool Offline);
