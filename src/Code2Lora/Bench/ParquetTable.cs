using System.Reflection;
using System.Text.Json.Serialization;
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
            throw Damaged(path, e);
        }
    }

    private static InvalidDataException Damaged(string path, Exception e) =>
        new($"{path}: not a readable Parquet file ({e.Message}); it is truncated or damaged: delete it and "
            + "re-run the command that wrote it (c2l bench build for a benchmark, c2l embed for vectors).", e);

    /// <summary>Reads every row of a file that must carry every column of <typeparamref name="T"/> (the class serializer would
    /// otherwise leave a missing column at its default silently). A file in the released datasets' schema, which lacks this
    /// package's columns or stores fp16 vectors, gets an error naming the file, the missing columns and <c>c2l bench import</c>.</summary>
    public static async Task<IList<T>> ReadExactAsync<T>(string path) where T : class, new()
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no Parquet file there; run the command that writes it.", path);
        await using var fs = File.OpenRead(path);
        IReadOnlyList<string> present;
        try
        {
            await using var reader = await ParquetReader.CreateAsync(fs, leaveStreamOpen: true);
            present = reader.Schema.Fields.Select(f => f.Name).ToList();
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"{path}: has a column type this reader does not support ({e.Message}); released RepoPeftBench files " +
                                           "store fp16 vectors this way: convert them with `c2l bench import <dataset folder> --to <benchmark folder>`.", e);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException
                                      or IndexOutOfRangeException or OverflowException or FormatException)
        {
            throw Damaged(path, e);
        }
        var missing = ColumnNames<T>().Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{path}: no column {string.Join(", ", missing.Select(m => $"'{m}'"))} of a {typeof(T).Name} table " +
                                           $"(the file has: {string.Join(", ", present)}). A file in the released datasets' schema must be converted with " +
                                           "`c2l bench import <dataset folder> --to <benchmark folder>`; a benchmark built by older code must be rebuilt (`c2l bench build`).");
        fs.Position = 0;
        return (await ParquetSerializer.DeserializeAsync<T>(fs)).Data;
    }

    /// <summary>The column names the class serializer maps <typeparamref name="T"/>'s properties to.</summary>
    public static IReadOnlyList<string> ColumnNames<T>() => typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name).ToList();
}
