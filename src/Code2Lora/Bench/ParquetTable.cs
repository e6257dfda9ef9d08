using Code2Lora.Runtime;
using Parquet;
using Parquet.Serialization;

namespace Code2Lora.Bench;

/// <summary>Reads and writes typed row lists as Parquet files, atomically (a reader never sees a half-written file).</summary>
public static class ParquetTable
{
    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/>, replacing it atomically.</summary>
    public static async Task WriteAsync<T>(string path, IReadOnlyCollection<T> rows) where T : class, new()
    {
        // Parquet.Net needs a seekable stream; it writes the footer at the end, so the temp-then-rename keeps readers safe.
        await AtomicFile.WriteAsync(path, async s => await ParquetSerializer.SerializeAsync(rows, s,
            new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, RowGroupSize = 50_000 }));
    }

    /// <summary>Reads every row of a Parquet file written by <see cref="WriteAsync"/> (or with the same column names); a damaged
    /// file is an <see cref="InvalidDataException"/> that names it.</summary>
    public static async Task<IList<T>> ReadAsync<T>(string path) where T : class, new()
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no Parquet file there; run the command that writes it.", path);
        await using var fs = File.OpenRead(path);
        try
        {
            return (await ParquetSerializer.DeserializeAsync<T>(fs)).Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException
                                      or NotSupportedException or IndexOutOfRangeException or OverflowException or FormatException)
        {
            // Parquet.Net reports a truncated file as "not a parquet file, head: …, tail: …" without the path.
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.Message}); it is truncated or damaged: delete it and "
                                           + "re-run the command that wrote it (c2l bench build for a benchmark, c2l embed for vectors).", e);
        }
    }
}
