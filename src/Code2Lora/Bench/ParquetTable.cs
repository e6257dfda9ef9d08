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

    /// <summary>Reads every row of a Parquet file written by <see cref="WriteAsync"/> (or with the same column names).</summary>
    public static async Task<IList<T>> ReadAsync<T>(string path) where T : class, new()
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no Parquet file at {path}", path);
        await using var fs = File.OpenRead(path);
        return (await ParquetSerializer.DeserializeAsync<T>(fs)).Data;
    }
}
