using Parquet;
using Parquet.Serialization;

namespace Code2Lora.Bench;

/// <summary>Writes a typed Parquet file one row group at a time (bounded memory for large tables) and publishes it atomically:
/// rows go to a temporary sibling, which <see cref="CommitAsync"/> renames over the target; disposing without committing
/// deletes it, so a reader never sees a partial file and an interrupted write leaves the old one in place.</summary>
public sealed class ParquetAppender<T> : IAsyncDisposable where T : class, new()
{
    private readonly string tmp;
    private FileStream? stream;
    private bool any;

    /// <summary>Starts a file that will replace <paramref name="path"/>.</summary>
    public ParquetAppender(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        tmp = Path + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
    }

    /// <summary>The target file.</summary>
    public string Path { get; }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Writes <paramref name="rows"/> as one row group (nothing for an empty batch).</summary>
    public async Task AppendAsync(IReadOnlyCollection<T> rows, CancellationToken cancel = default)
    {
        var s = stream ?? throw new InvalidOperationException($"{Path} was already committed.");
        if (rows.Count == 0) return;
        s.Position = 0;   // appending re-reads the footer written so far
        await ParquetSerializer.SerializeAsync(rows, s, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, Append = any }, cancellationToken: cancel);
        any = true;
        Rows += rows.Count;
    }

    /// <summary>Flushes and renames the file over the target (an empty file still gets the schema, so readers see zero rows).</summary>
    public async Task CommitAsync(CancellationToken cancel = default)
    {
        var s = stream ?? throw new InvalidOperationException($"{Path} was already committed.");
        if (!any) await ParquetSerializer.SerializeAsync(Array.Empty<T>(), s, new ParquetOptions(), cancellationToken: cancel);
        s.Flush(flushToDisk: true);
        await s.DisposeAsync();
        stream = null;
        File.Move(tmp, Path, overwrite: true);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (stream is not null) await stream.DisposeAsync();
        stream = null;
        if (File.Exists(tmp)) File.Delete(tmp);
    }
}
