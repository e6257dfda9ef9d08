namespace Code2Lora.Hub;

/// <summary>The ".incomplete" file a download appends to, hashing every byte as it lands. Opening one that a broken run left behind
/// hashes its bytes first, so the transfer resumes at its end (HTTP Range) and the final checksum still covers the whole file.</summary>
internal sealed class PartialFile : IDisposable
{
    private readonly FileStream _stream;
    private ContentHash _hash;
    private readonly HubFile _file;

    /// <summary>Where the bytes go.</summary>
    public string Path { get; }

    /// <summary>Bytes on disk so far.</summary>
    public long Length => _stream.Length;

    private PartialFile(string path, FileStream stream, HubFile file)
    {
        (Path, _stream, _file) = (path, stream, file);
        _hash = ContentHash.For(file);
    }

    /// <summary>Opens (or creates) the partial file of <paramref name="file"/>, hashing what is already there; a partial file longer than
    /// the listed size cannot be a prefix of the content and is emptied.</summary>
    public static PartialFile Open(string path, HubFile file)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HubException(HubErrorKind.LocalFile, $"cannot open {path} for writing ({e.Message}); check the permissions of the download folder.", e);
        }
        var partial = new PartialFile(path, stream, file);
        if (stream.Length > file.Size) stream.SetLength(0);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = stream.Read(buffer)) > 0) partial._hash.Append(buffer.AsSpan(0, n));
        return partial;
    }

    /// <summary>Appends bytes (refusing more than the listed size, which would mean the server sent another file).</summary>
    public async Task AppendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (Length + data.Length > _file.Size)
            throw new HubException(HubErrorKind.Server, $"the server sent more than the {_file.Size:N0} bytes listed for '{_file.Path}'; the partial file {Path} was kept, re-run to retry.");
        try
        {
            await _stream.WriteAsync(data, ct);
        }
        catch (IOException e)
        {
            throw new HubException(HubErrorKind.LocalFile, $"cannot write {Path} ({e.Message}); free some space and re-run the same command to resume.", e);
        }
        _hash.Append(data.Span);
    }

    /// <summary>Starts over at byte 0 (the server ignored the Range request and sends the whole file).</summary>
    public void Restart()
    {
        _stream.SetLength(0);
        _hash.Dispose();
        _hash = ContentHash.For(_file);
    }

    /// <summary>Flushes to disk and checks the size and checksum; on a mismatch deletes the file (resuming corrupt bytes would never
    /// succeed) and throws.</summary>
    public void Verify()
    {
        _stream.Flush(flushToDisk: true);
        var actual = _hash.Finish();
        if (Length == _file.Size && actual == _hash.Expected) return;
        var what = Length != _file.Size ? $"{Length:N0} bytes instead of {_file.Size:N0}" : $"{_hash.Name} {actual} instead of {_hash.Expected}";
        Delete();
        throw new HubException(HubErrorKind.Checksum,
            $"'{_file.Path}' failed verification ({what}); the corrupt download was deleted and no file was installed. Re-run the same command to download it again; if it fails again, the server or a proxy alters the file.");
    }

    /// <summary>Closes the file (a completed, verified file is then moved into place by the caller).</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _hash.Dispose();
    }

    private void Delete()
    {
        _stream.Dispose();
        File.Delete(Path);
    }
}
