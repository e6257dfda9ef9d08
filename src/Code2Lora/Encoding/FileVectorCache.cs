using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Code2Lora.Bench;

namespace Code2Lora.Encoders;

/// <summary>One file's embedding as the state recipes use it: the mean of its chunk vectors (null when no window was kept)
/// and the embedder tokens of the whole text.</summary>
public sealed record FileVector(float[]? Vector, int TokenCount);

/// <summary>A cached file vector on disk: content hash, token count, fp32 vector (empty when the file had no kept window).</summary>
public sealed class FileVectorRow
{
    [JsonPropertyName("text_sha256")] public string TextSha256 { get; set; } = "";
    [JsonPropertyName("token_count")] public int TokenCount { get; set; }
    [JsonPropertyName("dims")] public int Dims { get; set; }
    /// <summary>Little-endian fp32: the cache must give back exactly what the encoder computed, so states pool to the same bits.</summary>
    [JsonPropertyName("vector_fp32")] public byte[] VectorFp32 { get; set; } = [];
}

/// <summary>
/// File vectors of one repository keyed by the SHA-256 of the file's text, so a repository state at commit t embeds only the
/// files whose content is new since the states already encoded (an unchanged, renamed or reverted file is a hit). The vector
/// depends on the model and the chunking only, both in <see cref="IdFor"/>; paths, filters and pooling are applied after the
/// cache. Kept on disk as append-only shards (<c>{storeDir}/files-{id}/{repo}/</c>) when a folder is given, in memory otherwise.
/// </summary>
public sealed class FileVectorCache
{
    private readonly Dictionary<string, FileVector> entries = new(StringComparer.Ordinal);
    private readonly List<FileVectorRow> pending = [];
    private readonly ParquetShards<FileVectorRow>? shards;

    private FileVectorCache(string? directory) =>
        shards = directory is null ? null : new ParquetShards<FileVectorRow>(directory);

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>Lookups that found nothing (the file is embedded).</summary>
    public long Misses { get; private set; }

    /// <summary>Entries held.</summary>
    public int Count => entries.Count;

    /// <summary>"files-" + 16 hex digits of SHA-256(code version, model fingerprint, chunking JSON): what a file vector depends on.</summary>
    public static string IdFor(string modelFingerprint, ChunkingConfig chunking)
    {
        var text = EncoderId.CodeVersion + "\n" + modelFingerprint + "\n" + System.Text.Json.JsonSerializer.Serialize(chunking, Runtime.Provenance.Json);
        return "files-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The folder of one repository's cached file vectors under a store folder.</summary>
    public static string Folder(string storeDir, string cacheId, string repoId)
    {
        // Readable and collision-free: the repo id with unsafe characters replaced, plus a hash of the exact id.
        var safe = new string(repoId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(repoId)))[..8];
        return Path.Combine(storeDir, cacheId, safe + "-" + hash);
    }

    /// <summary>A cache held in memory only.</summary>
    public static FileVectorCache InMemory() => new(null);

    /// <summary>Opens the cache in <paramref name="directory"/>, reading what earlier runs stored.</summary>
    public static async Task<FileVectorCache> OpenAsync(string directory)
    {
        var cache = new FileVectorCache(directory);
        foreach (var row in await cache.shards!.ReadAllAsync())
        {
            if (row.VectorFp32.Length != 4 * row.Dims)
                throw new InvalidDataException($"{directory}: the cached file vector of text {row.TextSha256} has {row.VectorFp32.Length} bytes for {row.Dims} fp32 values; delete the folder to rebuild it.");
            cache.entries[row.TextSha256] = new FileVector(row.Dims == 0 ? null : MemoryMarshal.Cast<byte, float>(row.VectorFp32).ToArray(), row.TokenCount);
        }
        return cache;
    }

    /// <summary>The key of a text: SHA-256 (hex) of its UTF-8 bytes.</summary>
    public static string ContentKey(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>The cached vector of a text's key, counting the hit or miss.</summary>
    public bool TryGet(string key, out FileVector vector)
    {
        var found = entries.TryGetValue(key, out vector!);
        if (found) Hits++;
        else Misses++;
        return found;
    }

    /// <summary>Holds a newly embedded file's vector (written at the next flush).</summary>
    public void Add(string key, FileVector vector)
    {
        if (!entries.TryAdd(key, vector)) return;
        pending.Add(new FileVectorRow
        {
            TextSha256 = key, TokenCount = vector.TokenCount, Dims = vector.Vector?.Length ?? 0,
            VectorFp32 = vector.Vector is null ? [] : MemoryMarshal.AsBytes(vector.Vector.AsSpan()).ToArray(),
        });
    }

    /// <summary>Appends the entries added since the last flush as a new shard (a no-op in memory).</summary>
    public async Task FlushAsync()
    {
        if (shards is null || pending.Count == 0) return;
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("cached fp32 vectors are stored little-endian.");
        await shards.AppendAsync(pending, rows => rows.DistinctBy(r => r.TextSha256));
        pending.Clear();
    }
}
