using Parquet;
using Parquet.Serialization;

namespace Code2Lora.Bench;

/// <summary>
/// Writes a Parquet file row group by row group, so a table never has to be in memory at once. Rows are buffered until
/// <see cref="RowGroupRows"/> rows or <see cref="RowGroupChars"/> characters (as <c>size</c> counts them; both adjustable),
/// then written as one row group. The file appears under its name only at <see cref="Complete"/> (a reader never sees half of it);
/// a table smaller than one row group gives the same bytes as <see cref="ParquetTable.WriteAsync"/>.
/// </summary>
public sealed class ParquetAppender<T> : IDisposable where T : class, new()
{
    /// <summary>Rows per row group (ParquetTable's row group size).</summary>
    public const int RowGroupRows = 50_000;
    /// <summary>Characters per row group, so groups of long prefixes stay a few tens of MB.</summary>
    public const long RowGroupChars = 4_000_000;

    private readonly string _path, _tmp;
    private readonly Func<T, long> _size;
    private readonly int _groupRows;
    private readonly long _groupChars;
    private readonly List<T> _buffer = [];
    private FileStream? _stream;
    private long _chars;
    private bool _completed;

    /// <summary>Starts <paramref name="path"/> (written under a temporary name until <see cref="Complete"/>); <paramref name="size"/> estimates a row's characters.</summary>
    public ParquetAppender(string path, Func<T, long> size, int rowGroupRows = RowGroupRows, long rowGroupChars = RowGroupChars)
    {
        _groupRows = rowGroupRows;
        _groupChars = rowGroupChars;
        _path = Path.GetFullPath(path);
        _tmp = _path + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        _size = size;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
    }

    /// <summary>Rows added so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Adds one row; a full buffer is written out as a row group.</summary>
    public void Add(T row)
    {
        _buffer.Add(row);
        Rows++;
        _chars += _size(row);
        if (_buffer.Count >= _groupRows || _chars >= _groupChars) Flush();
    }

    /// <summary>Writes the rest and moves the file into place (an empty table is a valid file with no rows).</summary>
    public void Complete()
    {
        if (_stream is null || _buffer.Count > 0) Flush();
        _stream!.Flush(flushToDisk: true);
        _stream.Dispose();
        _stream = null;
        File.Move(_tmp, _path, overwrite: true);
        _completed = true;
    }

    private void Flush()
    {
        bool append = _stream is not null;
        _stream ??= new FileStream(_tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, RowGroupSize = RowGroupRows, Append = append };
        var rows = _buffer.ToList();
        // Off any synchronization context: the builder calls this from plain threads and from tests.
        Task.Run(() => ParquetSerializer.SerializeAsync(rows, _stream, options)).GetAwaiter().GetResult();
        _buffer.Clear();
        _chars = 0;
    }

    /// <summary>Drops an unfinished file.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        if (!_completed && File.Exists(_tmp)) File.Delete(_tmp);
    }

    /// <summary>Reads a file row group by row group (one group in memory at a time).</summary>
    public static IEnumerable<T> ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no Parquet file at {path}", path);
        int groups = Task.Run(async () =>
        {
            await using var probe = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(probe);
            return reader.RowGroupCount;
        }).GetAwaiter().GetResult();
        for (int g = 0; g < groups; g++)
        {
            IList<T> rows;
            using (var stream = File.OpenRead(path))
            {
                int group = g;
                rows = Task.Run(() => ParquetSerializer.DeserializeAsync<T>(stream, rowGroupIndex: group)).GetAwaiter().GetResult().Data;
            }
            foreach (var row in rows) yield return row;
        }
    }
}
