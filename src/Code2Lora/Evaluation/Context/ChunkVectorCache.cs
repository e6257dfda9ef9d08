using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Models.Tokenization;
using Code2Lora.Runtime;

namespace Code2Lora.Evaluation.Context;

/// <summary>
/// Chunk and query embeddings on disk, under <c>{root}/{index id}/</c>: one Parquet file per repository snapshot
/// (<c>{repo hash}@{sha}.parquet</c>, chunk texts included so a hit needs no repository) and one <c>queries.parquet</c>.
/// The index id hashes the encoder's fingerprint, the chunking tokenizer and every config knob that changes a chunk,
/// so k, the separator and the retriever share one cache.
/// </summary>
public sealed class ChunkVectorCache
{
    /// <summary>Bumped when chunking or pooling code changes meaning, so older caches are never reused.</summary>
    public const string CodeVersion = "c2l-rag/1";

    private readonly Dictionary<string, float[]> queries = new(StringComparer.Ordinal);
    private int pendingQueries;

    private ChunkVectorCache(string directory, string indexId)
    {
        Directory = directory;
        IndexId = indexId;
    }

    /// <summary>The folder of this index id.</summary>
    public string Directory { get; }

    /// <summary>"rag-" + 16 hex digits.</summary>
    public string IndexId { get; }

    /// <summary>The id of (encoder, chunking tokenizer, chunk-defining config).</summary>
    public static string ComputeIndexId(string encoderFingerprint, ITextTokenizer tokenizer, RagConfig config)
    {
        var knobs = JsonSerializer.Serialize(new
        {
            config.ChunkTokens, config.Overlap, config.MaxChunksPerRepo, config.QueryChars,
            files = new { config.Files.Extensions, config.Files.ExcludeTests, config.Files.MaxFiles, config.Files.Rules },
        }, Provenance.Json);
        // The tokenizer has no version of its own: its ids of a probe stand in for it (as in ChunkEmbedder's fingerprint).
        var probe = string.Join(",", tokenizer.Encode("def f(x):\n    return x ** 2  # ünïcödé → 数据\n"));
        var text = $"{CodeVersion}\n{encoderFingerprint}\nvocab={tokenizer.VocabSize};{probe}\n{knobs}";
        return "rag-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>Opens (creates) the cache folder of <paramref name="indexId"/> under <paramref name="root"/> and reads its query vectors.</summary>
    public static async Task<ChunkVectorCache> OpenAsync(string root, string indexId)
    {
        var cache = new ChunkVectorCache(Path.Combine(root, indexId), indexId);
        System.IO.Directory.CreateDirectory(cache.Directory);
        if (File.Exists(cache.QueriesPath))
            foreach (var row in await ParquetTable.ReadAsync<QueryVectorRow>(cache.QueriesPath))
                cache.queries[row.QuerySha256] = EmbeddingStore.FromFp16(row.VectorFp16);
        return cache;
    }

    private string QueriesPath => Path.Combine(Directory, "queries.parquet");

    /// <summary>The file of one repository snapshot (the repository id is hashed: ids contain '/').</summary>
    public string SnapshotPath(string repoId, string commitSha) => Path.Combine(Directory, $"{Normalise.Id(repoId)}@{commitSha}.parquet");

    /// <summary>The cached chunks and unit vectors of a snapshot, or null if not cached.</summary>
    public async Task<(IReadOnlyList<RepoChunk> Chunks, float[][] Vectors)?> TryReadAsync(string repoId, string commitSha)
    {
        var path = SnapshotPath(repoId, commitSha);
        if (!File.Exists(path)) return null;
        var rows = await ParquetTable.ReadAsync<ChunkVectorRow>(path);
        if (rows.Any(r => r.RepoId != repoId || r.CommitSha != commitSha || r.VectorFp16.Length != 2 * r.Dims))
            throw new InvalidDataException($"{path}: rows of another snapshot or with a wrong vector length; delete the file to rebuild it.");
        return (rows.Select(r => new RepoChunk(r.Path, r.Window, r.Text)).ToList(), rows.Select(r => EmbeddingStore.FromFp16(r.VectorFp16)).ToArray());
    }

    /// <summary>Writes a snapshot's chunks and vectors atomically (an empty index is written too, so it is not rebuilt).</summary>
    public Task WriteAsync(string repoId, string commitSha, IReadOnlyList<RepoChunk> chunks, float[][] vectors) =>
        ParquetTable.WriteAsync(SnapshotPath(repoId, commitSha), chunks.Select((c, i) => new ChunkVectorRow
        {
            RepoId = repoId, CommitSha = commitSha, Path = c.Path, Window = c.Window, Text = c.Text,
            Dims = vectors[i].Length, VectorFp16 = EmbeddingStore.ToFp16(vectors[i]),
        }).ToList());

    /// <summary>The cached vector of a query text, or null.</summary>
    public float[]? Query(string text) => queries.GetValueOrDefault(QueryKey(text));

    /// <summary>Holds a query vector (stored at fp16 precision, as it will be read back).</summary>
    public void AddQuery(string text, float[] vector)
    {
        queries[QueryKey(text)] = EmbeddingStore.FromFp16(EmbeddingStore.ToFp16(vector));
        pendingQueries++;
    }

    /// <summary>Rewrites queries.parquet if queries were added since the last flush.</summary>
    public async Task FlushQueriesAsync()
    {
        if (pendingQueries == 0) return;
        await ParquetTable.WriteAsync(QueriesPath, queries.OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => new QueryVectorRow { QuerySha256 = q.Key, Dims = q.Value.Length, VectorFp16 = EmbeddingStore.ToFp16(q.Value) }).ToList());
        pendingQueries = 0;
    }

    private static string QueryKey(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
