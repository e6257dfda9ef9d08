using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Runtime;

namespace Code2Lora.Encoders;

/// <summary>
/// The vectors of one encoder id: <c>{dir}/{encoder_id}.parquet</c> (rows keyed by repo_id, commit_sha, kind; fp16
/// vectors) plus <c>{encoder_id}.json</c> describing the encoder. Flushing rewrites the file atomically with everything
/// held, so a killed run keeps what it flushed and a reader never sees half a file.
/// </summary>
public sealed class EmbeddingStore
{
    private readonly Dictionary<EmbeddingKey, float[]> vectors = new();
    private int pending;

    private EmbeddingStore(string directory, string encoderId)
    {
        Directory = directory;
        EncoderId = encoderId;
    }

    /// <summary>The folder holding every encoder's files.</summary>
    public string Directory { get; }

    /// <summary>The encoder whose vectors this store holds.</summary>
    public string EncoderId { get; }

    /// <summary>The Parquet file of this encoder.</summary>
    public string FilePath => Path.Combine(Directory, EncoderId + ".parquet");

    /// <summary>Vectors held (stored plus added, flushed or not).</summary>
    public int Count => vectors.Count;

    /// <summary>Vectors added since the last flush.</summary>
    public int Pending => pending;

    /// <summary>Opens the store of <paramref name="encoderId"/> in <paramref name="directory"/>, reading its vectors if the file exists.</summary>
    public static async Task<EmbeddingStore> OpenAsync(string directory, string encoderId)
    {
        var store = new EmbeddingStore(directory, encoderId);
        if (!File.Exists(store.FilePath)) return store;
        foreach (var row in await ParquetTable.ReadAsync<EmbeddingRow>(store.FilePath))
        {
            if (row.EncoderId != encoderId)
                throw new InvalidDataException($"{store.FilePath}: a row of encoder '{row.EncoderId}' is in the file of '{encoderId}'.");
            if (row.Kind is not (EmbeddingKey.State or EmbeddingKey.Diff))
                throw new InvalidDataException($"{store.FilePath}: {row.RepoId}@{row.CommitSha} has kind '{row.Kind}' (expected state or diff).");
            if (row.VectorFp16.Length != 2 * row.Dims)
                throw new InvalidDataException($"{store.FilePath}: {row.RepoId}@{row.CommitSha} {row.Kind} has {row.VectorFp16.Length} bytes for {row.Dims} fp16 values.");
            store.vectors[new EmbeddingKey(row.RepoId, row.CommitSha, row.Kind)] = FromFp16(row.VectorFp16);
        }
        return store;
    }

    /// <summary>True if a vector for <paramref name="key"/> is held.</summary>
    public bool Contains(EmbeddingKey key) => vectors.ContainsKey(key);

    /// <summary>The vector of <paramref name="key"/> as stored (fp16 precision), or null.</summary>
    public float[]? Get(EmbeddingKey key) => vectors.GetValueOrDefault(key);

    /// <summary>Every key held.</summary>
    public IReadOnlyCollection<EmbeddingKey> Keys => vectors.Keys;

    /// <summary>The keys of <paramref name="wanted"/> that have no vector yet, in the given order, without duplicates.</summary>
    public IReadOnlyList<EmbeddingKey> Missing(IEnumerable<EmbeddingKey> wanted) => wanted.Distinct().Where(k => !vectors.ContainsKey(k)).ToList();

    /// <summary>Holds <paramref name="vector"/> for <paramref name="key"/> (rounded to fp16 now, so what is held equals what is read back).</summary>
    public void Add(EmbeddingKey key, float[] vector)
    {
        if (vector.Any(float.IsNaN)) throw new ArgumentException($"the {key.Kind} vector of {key.RepoId}@{key.CommitSha} has NaN values.");
        var stored = FromFp16(ToFp16(vector));
        if (stored.Any(float.IsInfinity))
            throw new ArgumentException($"the {key.Kind} vector of {key.RepoId}@{key.CommitSha} has values beyond fp16's range (±65504).");
        vectors[key] = stored;
        pending++;
    }

    /// <summary>Rewrites the Parquet file atomically with every vector held (rows in key order) and writes the encoder description once.</summary>
    public async Task FlushAsync(object? description = null)
    {
        if (description is not null)
            AtomicFile.WriteText(Path.Combine(Directory, EncoderId + ".json"), JsonSerializer.Serialize(description, Provenance.Json));
        if (pending == 0 && File.Exists(FilePath)) return;
        var rows = vectors.OrderBy(kv => kv.Key.RepoId, StringComparer.Ordinal).ThenBy(kv => kv.Key.CommitSha, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Kind, StringComparer.Ordinal)
            .Select(kv => new EmbeddingRow
            {
                EncoderId = EncoderId, RepoId = kv.Key.RepoId, CommitSha = kv.Key.CommitSha, Kind = kv.Key.Kind,
                Dims = kv.Value.Length, VectorFp16 = ToFp16(kv.Value),
            }).ToList();
        await ParquetTable.WriteAsync(FilePath, rows);
        pending = 0;
    }

    /// <summary>Little-endian IEEE half-precision bytes of <paramref name="v"/>.</summary>
    public static byte[] ToFp16(float[] v)
    {
        var bytes = new byte[2 * v.Length];
        for (int i = 0; i < v.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (Half)v[i]);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("fp16 vectors are stored little-endian.");
        return bytes;
    }

    /// <summary>Floats of little-endian half-precision bytes.</summary>
    public static float[] FromFp16(byte[] bytes)
    {
        var v = new float[bytes.Length / 2];
        for (int i = 0; i < v.Length; i++) v[i] = (float)BitConverter.ToHalf(bytes, 2 * i);
        return v;
    }
}
