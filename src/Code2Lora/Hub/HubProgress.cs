namespace Code2Lora.Hub;

/// <summary>Where one file of a download stands.</summary>
public enum HubFileState
{
    /// <summary>Another process (or a file with the same content) holds the blob's lock.</summary>
    Waiting,

    /// <summary>Bytes are arriving.</summary>
    Downloading,

    /// <summary>Verified and in place.</summary>
    Done,

    /// <summary>Gave up in this run (the error is thrown at the end; a partial file is kept).</summary>
    Failed,
}

/// <summary>The file a progress report is about.</summary>
/// <param name="Path">Repository path.</param>
/// <param name="Done">Bytes of it on disk (a resumed prefix included).</param>
/// <param name="Size">Its size.</param>
/// <param name="State">Where it stands.</param>
public sealed record HubFileProgress(string Path, long Done, long Size, HubFileState State);

/// <summary>A running download, reported after every chunk and every state change, from several threads at once (a sink must be thread-safe).
/// Totals cover the files to fetch in this run; files already in place are not counted.</summary>
/// <param name="FilesDone">Files verified and installed.</param>
/// <param name="FilesTotal">Files to fetch.</param>
/// <param name="BytesDone">Bytes of those files on disk, resumed prefixes included.</param>
/// <param name="BytesTotal">Their total size.</param>
/// <param name="BytesTransferred">Bytes received over the network in this run (the basis of a rate).</param>
/// <param name="File">The file this report is about.</param>
public sealed record HubProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal, long BytesTransferred, HubFileProgress File);
