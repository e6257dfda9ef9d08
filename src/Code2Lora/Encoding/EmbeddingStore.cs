using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Runtime;

namespace Code2Lora.Encoders;

/// <summary>
/// The vectors of one encoder id: append-only Parquet shards in <c>{dir}/{encoder_id}/</c> (rows keyed by repo_id,
/// commit_sha, kind; fp16 vectors; see <see cref="ParquetShards{T}"/>) plus <c>{encoder_id}.json</c> describing the encoder.
/// A flush writes only the vectors added since the last one as a new shard, so a killed run keeps every flushed vector and a
/// reader never sees half a file. A single-file store of older versions (<c>{encoder_id}.parquet</c>) is read as the oldest shard.
/// </summary>
public sealed class EmbeddingStore
{
    private readonly Dictionary<EmbeddingKey, float[]> vectors = new();
    private readonly HashSet<EmbeddingKey> pending = [];
    private readonly ParquetShards<EmbeddingRow> shards;

    private EmbeddingStore(string directory, string encoderId)
    {
        Directory = directory;
        EncoderId = encoderId;
        shards = new ParquetShards<EmbeddingRow>(Location);
    }

    /// <summary>The folder holding every encoder's files.</summary>
    public string Directory { get; }

    /// <summary>The encoder whose vectors this store holds.</summary>
    public string EncoderId { get; }

    /// <summary>The shard folder of this encoder.</summary>
    public string Location => Path.Combine(Directory, EncoderId);

    /// <summary>The single Parquet file older versions wrote (read if present, never written).</summary>
    public string LegacyFilePath => Path.Combine(Directory, EncoderId + ".parquet");

    /// <summary>Vectors held (stored plus added, flushed or not).</summary>
    public int Count => vectors.Count;

    /// <summary>Vectors added since the last flush.</summary>
    public int Pending => pending.Count;

    /// <summary>Opens the store of <paramref name="encoderId"/> in <paramref name="directory"/>, reading its vectors if it has any.</summary>
    public static async Task<EmbeddingStore> OpenAsync(string directory, string encoderId)
    {
        var store = new EmbeddingStore(directory, encoderId);
        var rows = new List<EmbeddingRow>();
        if (File.Exists(store.LegacyFilePath)) rows.AddRange(await ParquetTable.ReadAsync<EmbeddingRow>(store.LegacyFilePath));
        rows.AddRange(await store.shards.ReadAllAsync());
        foreach (var row in rows)
        {
            if (row.EncoderId != encoderId)
                throw new InvalidDataException($"{store.Location}: a row of encoder '{row.EncoderId}' is in the store of '{encoderId}'.");
            if (row.Kind is not (EmbeddingKey.State or EmbeddingKey.Diff))
                throw new InvalidDataException($"{store.Location}: {row.RepoId}@{row.CommitSha} has kind '{row.Kind}' (expected state or diff).");
            if (row.VectorFp16.Length != 2 * row.Dims)
                throw new InvalidDataException($"{store.Location}: {row.RepoId}@{row.CommitSha} {row.Kind} has {row.VectorFp16.Length} bytes for {row.Dims} fp16 values.");
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

    /// <summary>Holds <paramref name="vector"/> for <paramref name="key"/> (rounded to fp16 now, so what is held equals what is read
    /// back). Re-adding a key with the same fp16 values is a no-op, so a repeated import writes nothing new.</summary>
    public void Add(EmbeddingKey key, float[] vector)
    {
        if (vector.Any(float.IsNaN)) throw new ArgumentException($"the {key.Kind} vector of {key.RepoId}@{key.CommitSha} has NaN values.");
        var stored = FromFp16(ToFp16(vector));
        if (stored.Any(float.IsInfinity))
            throw new ArgumentException($"the {key.Kind} vector of {key.RepoId}@{key.CommitSha} has values beyond fp16's range (±65504).");
        if (vectors.TryGetValue(key, out var held) && held.AsSpan().SequenceEqual(stored)) return;
        pending.Add(key);
        vectors[key] = stored;
    }

    /// <summary>Appends the vectors added since the last flush as a new shard (rows in key order) and writes the encoder description.</summary>
    public async Task FlushAsync(object? description = null)
    {
        if (description is not null)
            AtomicFile.WriteText(Path.Combine(Directory, EncoderId + ".json"), JsonSerializer.Serialize(description, Provenance.Json));
        if (pending.Count == 0) return;
        var rows = pending.OrderBy(k => k.RepoId, StringComparer.Ordinal).ThenBy(k => k.CommitSha, StringComparer.Ordinal)
            .ThenBy(k => k.Kind, StringComparer.Ordinal)
            .Select(k => new EmbeddingRow
            {
                EncoderId = EncoderId, RepoId = k.RepoId, CommitSha = k.CommitSha, Kind = k.Kind,
                Dims = vectors[k].Length, VectorFp16 = ToFp16(vectors[k]),
            }).ToList();
        await shards.AppendAsync(rows, LatestPerKey);
        pending.Clear();
    }

    // Merged shards keep one row per key, the latest (rows arrive oldest shard first).
    private static IEnumerable<EmbeddingRow> LatestPerKey(IEnumerable<EmbeddingRow> rows) =>
        rows.Reverse().DistinctBy(r => (r.RepoId, r.CommitSha, r.Kind)).Reverse();

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
