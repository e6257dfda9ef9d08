namespace Code2Lora.Hub;

/// <summary>Sums the progress of files downloading in parallel and reports each change as a <see cref="HubProgress"/>.</summary>
internal sealed class ProgressTally(IProgress<HubProgress>? sink, int filesTotal, long bytesTotal)
{
    private long _bytesDone;
    private long _transferred;
    private int _filesDone;

    /// <summary>Bytes received over the network so far.</summary>
    public long BytesTransferred => Interlocked.Read(ref _transferred);

    /// <summary>Another writer holds the file's lock.</summary>
    public void Waiting(HubFile file) => Report(file, 0, HubFileState.Waiting);

    /// <summary>A transfer starts, with <paramref name="resumed"/> bytes already on disk.</summary>
    public void Started(HubFile file, long resumed)
    {
        Interlocked.Add(ref _bytesDone, resumed);
        Report(file, resumed, HubFileState.Downloading);
    }

    /// <summary><paramref name="count"/> bytes arrived; <paramref name="fileDone"/> are now on disk.</summary>
    public void Received(HubFile file, long fileDone, int count)
    {
        Interlocked.Add(ref _bytesDone, count);
        Interlocked.Add(ref _transferred, count);
        Report(file, fileDone, HubFileState.Downloading);
    }

    /// <summary>The server ignored a Range request: the <paramref name="count"/> bytes kept are thrown away.</summary>
    public void Rewound(HubFile file, long count)
    {
        Interlocked.Add(ref _bytesDone, -count);
        Report(file, 0, HubFileState.Downloading);
    }

    /// <summary>The file is verified and in place (<paramref name="fetched"/>), or another writer put it there while this one waited.</summary>
    public void Finished(HubFile file, bool fetched, long counted)
    {
        // A file finished by another writer never had its bytes counted here.
        if (!fetched) Interlocked.Add(ref _bytesDone, file.Size - counted);
        Interlocked.Increment(ref _filesDone);
        Report(file, file.Size, HubFileState.Done);
    }

    /// <summary>The file gave up in this run.</summary>
    public void Failed(HubFile file) => Report(file, 0, HubFileState.Failed);

    private void Report(HubFile file, long done, HubFileState state) =>
        sink?.Report(new HubProgress(Volatile.Read(ref _filesDone), filesTotal, Interlocked.Read(ref _bytesDone), bytesTotal,
            Interlocked.Read(ref _transferred), new HubFileProgress(file.Path, done, file.Size, state)));
}
