using System.Diagnostics;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation.Context;

/// <summary>
/// The RAG context provider (paper-notes §4.1): the task's repository snapshot is cut into chunks (<see cref="RepoChunker"/>),
/// ranked against the end of the prefix by cosine of unit embeddings (or BM25), and the top k are joined, best first, with
/// the separator after each one (the authors' "\n\n\n".join(chunks) + "\n\n\n" + prefix). Indices are built on first use
/// or by <see cref="PrepareAsync"/>; with a cache folder, chunk and query vectors persist, so a second evaluation embeds nothing.
/// </summary>
public sealed class RagContext : IContextProvider
{
    private sealed record RepoIndex(IReadOnlyList<RepoChunk> Chunks, float[][]? Vectors, Bm25Index? Bm25);

    private readonly RepoSnapshots snapshots;
    private readonly ITextTokenizer tokenizer;
    private readonly ChunkEmbedder? embedder;
    private readonly ChunkVectorCache? cache;
    private readonly Dictionary<(string Repo, string Sha), (RepoIndex? Index, string? Reason)> indices = new();
    private readonly Dictionary<string, float[]> queryVectors = new(StringComparer.Ordinal);
    // Chunk text → its (fp16-rounded) vector: the snapshots of one history share most of their chunks from commit to commit.
    private readonly Dictionary<string, float[]> chunkVectors = new(StringComparer.Ordinal);
    private readonly List<string> problems = new();
    private readonly Stopwatch embedClock = new();

    private RagContext(RepoSnapshots snapshots, ITextTokenizer tokenizer, RagConfig config, ChunkEmbedder? embedder, ChunkVectorCache? cache)
    {
        this.snapshots = snapshots;
        this.tokenizer = tokenizer;
        this.embedder = embedder;
        this.cache = cache;
        Config = config;
    }

    /// <summary>
    /// A provider over <paramref name="repos"/> (the inputs the benchmark was built from). <paramref name="tokenizer"/> is the
    /// base model's (chunk windows count its tokens); <paramref name="embedder"/> is required for <see cref="RagRetriever.Dense"/>;
    /// <paramref name="cacheDir"/> (optional) keeps chunk and query vectors under <c>{cacheDir}/{index id}/</c>.
    /// </summary>
    public static async Task<RagContext> CreateAsync(IEnumerable<RepoInput> repos, ITextTokenizer tokenizer, RagConfig config,
        ChunkEmbedder? embedder = null, string? cacheDir = null)
    {
        config.Validate();
        if (config.Retriever == RagRetriever.Dense && embedder is null)
            throw new ArgumentException("dense RAG retrieval needs an embedder (the base model as ChunkEmbedder); pass one or use RagRetriever.Bm25.");
        ChunkVectorCache? cache = null;
        if (cacheDir is not null && config.Retriever == RagRetriever.Dense)
            cache = await ChunkVectorCache.OpenAsync(cacheDir, ChunkVectorCache.ComputeIndexId(embedder!.Fingerprint, tokenizer, config));
        return new RagContext(new RepoSnapshots(repos), tokenizer, config, embedder, cache);
    }

    /// <summary>The settings in use.</summary>
    public RagConfig Config { get; }

    /// <inheritdoc />
    public ContextCoverage Coverage { get; } = new();

    /// <summary>The cache's index id (null without a cache or for BM25).</summary>
    public string? IndexId => cache?.IndexId;

    /// <summary>Snapshot indices built from the repository (not read from the cache).</summary>
    public int IndicesBuilt { get; private set; }

    /// <summary>Snapshot indices read from the cache.</summary>
    public int IndicesFromCache { get; private set; }

    /// <summary>Distinct chunk texts embedded (0 on a full cache hit): a chunk an earlier snapshot had is not embedded again.</summary>
    public int ChunksEmbedded { get; private set; }

    /// <summary>Query texts embedded (0 on a full cache hit).</summary>
    public int QueriesEmbedded { get; private set; }

    /// <summary>Wall-clock seconds spent embedding chunks and queries.</summary>
    public double EmbeddingSeconds => embedClock.Elapsed.TotalSeconds;

    /// <summary>Details of snapshots that could not be read (repository, commit, message).</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <summary>The query of a prefix: its last <see cref="RagConfig.QueryChars"/> characters (embedding keeps their first ChunkTokens tokens).</summary>
    public string QueryText(string prefix)
    {
        if (prefix.Length <= Config.QueryChars) return prefix;
        int start = prefix.Length - Config.QueryChars;
        if (char.IsLowSurrogate(prefix[start])) start++;   // never start inside a surrogate pair
        return prefix[start..];
    }

    /// <summary>Builds (or loads) the index of every task's snapshot and embeds every query not cached yet, in batches; then flushes the query cache.</summary>
    public async Task PrepareAsync(IEnumerable<QnaRow> tasks, IProgress<(string Phase, int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        var list = tasks.ToList();
        var states = list.Select(t => (t.RepoId, t.CommitSha)).Distinct().ToList();
        for (int i = 0; i < states.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            await IndexAsync(states[i].RepoId, states[i].CommitSha);
            progress?.Report(("rag index", i + 1, states.Count));
        }
        if (Config.Retriever != RagRetriever.Dense) return;
        var todo = list.Where(t => indices[(t.RepoId, t.CommitSha)].Index is { Chunks.Count: > 0 })
            .Select(t => QueryText(t.Prefix)).Distinct(StringComparer.Ordinal).Where(q => !queryVectors.ContainsKey(q) && cache?.Query(q) is null).ToList();
        const int perStep = 64;
        for (int i = 0; i < todo.Count; i += perStep)
        {
            cancel.ThrowIfCancellationRequested();
            EmbedQueries(todo.GetRange(i, Math.Min(perStep, todo.Count - i)));
            progress?.Report(("rag queries", Math.Min(i + perStep, todo.Count), todo.Count));
        }
        await FlushAsync();
    }

    /// <summary>Writes query vectors embedded since the last flush to the cache (no-op without a cache).</summary>
    public Task FlushAsync() => cache?.FlushQueriesAsync() ?? Task.CompletedTask;

    /// <summary>The top-k chunks of the task's snapshot with their scores, best first (ties: earlier chunk first); empty with the reason when there is none.</summary>
    public IReadOnlyList<(RepoChunk Chunk, double Score)> Retrieve(QnaRow task, out string? reason)
    {
        var (index, why) = IndexAsync(task.RepoId, task.CommitSha).GetAwaiter().GetResult();
        reason = why;
        if (index is null) return [];
        if (index.Chunks.Count == 0) { reason = "no-chunks"; return []; }
        var query = QueryText(task.Prefix);
        double[] scores;
        if (index.Bm25 is not null) scores = index.Bm25.Scores(query);
        else
        {
            var q = QueryVector(query);
            if (q.All(x => x == 0)) { reason = "empty-query"; return []; }
            scores = index.Vectors!.Select(v => Dot(q, v)).ToArray();
        }
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(Config.K)
            .Select(i => (index.Chunks[i], scores[i])).ToList();
    }

    /// <inheritdoc />
    public string? ContextFor(QnaRow task)
    {
        var top = Retrieve(task, out var reason);
        if (top.Count == 0)
        {
            Coverage.Missed(reason ?? "nothing-retrieved");
            return null;
        }
        Coverage.Found();
        var ordered = Config.MostRelevantLast ? top.AsEnumerable().Reverse() : top;
        return string.Concat(ordered.Select(t => t.Chunk.Text + Config.Separator));
    }

    private async Task<(RepoIndex? Index, string? Reason)> IndexAsync(string repoId, string sha)
    {
        if (indices.TryGetValue((repoId, sha), out var known)) return known;
        var result = await BuildIndexAsync(repoId, sha);
        indices[(repoId, sha)] = result;
        return result;
    }

    private async Task<(RepoIndex?, string?)> BuildIndexAsync(string repoId, string sha)
    {
        if (cache is not null && await cache.TryReadAsync(repoId, sha) is { } hit)
        {
            IndicesFromCache++;
            for (var i = 0; i < hit.Chunks.Count; i++) chunkVectors.TryAdd(hit.Chunks[i].Text, hit.Vectors[i]);
            return (new RepoIndex(hit.Chunks, hit.Vectors, null), null);
        }
        var snapshot = snapshots.TryRead(repoId, sha, Config.Files.Rules, Config.Files.Includes, out var reason, out var detail);
        if (snapshot is null)
        {
            if (detail is not null) problems.Add(detail);
            return (null, reason);
        }
        var chunks = RepoChunker.Chunk(snapshot.Files, tokenizer, Config);
        IndicesBuilt++;
        if (Config.Retriever == RagRetriever.Bm25) return (new RepoIndex(chunks, null, new Bm25Index(chunks.Select(c => c.Text))), null);
        // Only chunks no earlier snapshot had are embedded; each is held at the cache's fp16 precision, so a first run and a
        // cached run rank identically.
        var fresh = chunks.Select(c => c.Text).Where(t => !chunkVectors.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        embedClock.Start();
        var encoded = DenseEncoder.Encode(embedder!, fresh, Config.ChunkTokens);
        embedClock.Stop();
        for (var i = 0; i < fresh.Count; i++) chunkVectors[fresh[i]] = EmbeddingStore.FromFp16(EmbeddingStore.ToFp16(encoded[i]));
        var vectors = chunks.Select(c => chunkVectors[c.Text]).ToArray();
        ChunksEmbedded += fresh.Count;
        if (cache is not null) await cache.WriteAsync(repoId, sha, chunks, vectors);
        return (new RepoIndex(chunks, vectors, null), null);
    }

    private float[] QueryVector(string query)
    {
        if (queryVectors.TryGetValue(query, out var v)) return v;
        if (cache?.Query(query) is { } cached) return queryVectors[query] = cached;
        EmbedQueries([query]);
        return queryVectors[query];
    }

    private void EmbedQueries(IReadOnlyList<string> queries)
    {
        embedClock.Start();
        var vectors = DenseEncoder.Encode(embedder!, queries, Config.ChunkTokens);
        embedClock.Stop();
        QueriesEmbedded += queries.Count;
        for (int i = 0; i < queries.Count; i++)
        {
            var rounded = EmbeddingStore.FromFp16(EmbeddingStore.ToFp16(vectors[i]));
            cache?.AddQuery(queries[i], rounded);
            queryVectors[queries[i]] = rounded;
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
