using Code2Lora.Bench;
using Code2Lora.Mining;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using Code2Lora.Reporting;
using Code2Lora.Runtime;

namespace Code2Lora.Encoders;

/// <summary>Progress of an embedding run: phase, items done, items to do, current repository.</summary>
public readonly record struct EmbeddingProgress(string Phase, int Done, int Total, string? Current);

/// <summary>What an embedding run found and did; <paramref name="FilesEmbedded"/> and <paramref name="FilesReused"/> count the
/// distinct file texts the states embedded and took from the per-file cache.</summary>
public sealed record EmbeddingRunSummary(string EncoderId, string StorePath, int Wanted, int AlreadyStored,
    int StatesEmbedded, int DiffsEmbedded, int EmptyStates, long ForwardPasses, double Seconds, long FilesEmbedded = 0, long FilesReused = 0);

/// <summary>A vector a benchmark needs: its key and, for a diff, the text to embed.</summary>
public sealed record EmbeddingRequest(EmbeddingKey Key, string? DiffText);

/// <summary>
/// Fills the embedding store of a built benchmark: reads its repos and commits tables, lists the repository states and
/// commit diffs that need vectors, and embeds only those the store lacks.
/// </summary>
public static class EmbeddingPipeline
{
    /// <summary>Vectors embedded between two appends to the store.</summary>
    public const int FlushEvery = 64;

    /// <summary>The store folder of a benchmark folder: <c>{benchDir}/embeddings</c>.</summary>
    public static string StoreDirectory(string benchDir) => Path.Combine(benchDir, "embeddings");

    /// <summary>
    /// The vectors a benchmark needs: the state of every static repository at its snapshot; for every evolution
    /// repository the state at its first kept commit (GRU h₀) and at its anchor (last in-repo train commit; the last
    /// kept commit when none is train), or at every kept commit with <see cref="EncoderConfig.StateAtEveryCommit"/>;
    /// and the diff of every kept commit.
    /// </summary>
    public static IReadOnlyList<EmbeddingRequest> Plan(BenchData bench, EncoderConfig config)
    {
        var wanted = new List<EmbeddingRequest>();
        foreach (var repo in bench.StaticRepos.OrderBy(r => r.RepoId, StringComparer.Ordinal))
            wanted.Add(new EmbeddingRequest(EmbeddingKey.ForState(repo.RepoId, repo.SnapshotSha), null));
        foreach (var group in bench.Commits.GroupBy(c => c.RepoId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var commits = group.OrderBy(c => c.CommitIndex).ToList();
            var anchor = commits.LastOrDefault(c => c.InRepoSplit == SplitNames.InRepoTrain) ?? commits[^1];
            var states = config.StateAtEveryCommit ? commits : new[] { commits[0], anchor }.Distinct().ToList();
            foreach (var c in states) wanted.Add(new EmbeddingRequest(EmbeddingKey.ForState(group.Key, c.CommitSha), null));
            foreach (var c in commits) wanted.Add(new EmbeddingRequest(EmbeddingKey.ForDiff(group.Key, c.CommitSha), c.ProductionCodeDiff));
        }
        return wanted.DistinctBy(r => r.Key).ToList();
    }

    /// <summary>Builds the embedder from a model and its tokenizer and runs <see cref="RunAsync(string, IReadOnlyList{RepoInput}, ChunkEmbedder, EncoderConfig, string?, IProgress{EmbeddingProgress}?, CancellationToken)"/>.</summary>
    public static Task<EmbeddingRunSummary> RunAsync(string benchDir, IReadOnlyList<RepoInput> repos, DecoderLM model, ITextTokenizer tokenizer,
        EncoderConfig config, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancel = default, string? storeDir = null,
        Evaluation.Shard? shard = null) =>
        RunAsync(benchDir, repos, new ChunkEmbedder(model, tokenizer), config, storeDir, progress, cancel, shard);

    private static List<EmbeddingRequest> Todo(IReadOnlyList<EmbeddingRequest> plan, EmbeddingStore store)
    {
        var missing = store.Missing(plan.Select(r => r.Key)).ToHashSet();
        return plan.Where(r => missing.Contains(r.Key)).ToList();
    }

    /// <summary>
    /// Embeds what the benchmark in <paramref name="benchDir"/> needs and the store (default
    /// <see cref="StoreDirectory"/>) lacks. Repository states are read from <paramref name="repos"/> (the inputs the
    /// benchmark was built from; the tables do not record paths); diffs come from the commits table. A run with nothing
    /// missing opens no repository and runs no forward pass. With <paramref name="shard"/>, only that shard's repositories are
    /// embedded (into a store partition of their own; <see cref="EmbeddingStoreMerge"/> joins them).
    /// </summary>
    public static async Task<EmbeddingRunSummary> RunAsync(string benchDir, IReadOnlyList<RepoInput> repos, ChunkEmbedder embedder,
        EncoderConfig config, string? storeDir = null, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancel = default,
        Evaluation.Shard? shard = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var forwardsBefore = embedder.ForwardPasses;
        config.State.Chunking.Validate();
        config.Diff.Chunking.Validate();
        var bench = await BenchData.LoadAsync(benchDir);
        var plan = Plan(bench, config);
        if (shard is not null) plan = plan.Where(r => shard.Contains(r.Key.RepoId)).ToList();
        var encoderId = EncoderId.Compute(embedder, config);
        var directory = storeDir ?? StoreDirectory(benchDir);
        var store = await EmbeddingStore.OpenAsync(directory, encoderId);
        var todo = Todo(plan, store);
        // Only a run that writes takes the store: readers of a complete store never wait for each other. The store is read
        // again under the lock, since another process may have flushed vectors in between.
        using var held = todo.Count > 0 ? RunLock.Acquire(directory, "embedding store") : null;
        if (held is not null)
        {
            store = await EmbeddingStore.OpenAsync(directory, encoderId);
            todo = Todo(plan, store);
        }
        var description = new
        {
            encoder_id = encoderId, code_version = EncoderId.CodeVersion, model = embedder.Fingerprint,
            dims = 2 * embedder.Dimension, storage = "fp16 little-endian", config,
            provenance = Provenance.Capture("EmbeddingPipeline.Run " + benchDir),
        };

        // Fail before any forward pass if a state's repository cannot be located.
        var paths = repos.GroupBy(r => r.RepoId).ToDictionary(g => g.Key, g => g.First().Path, StringComparer.Ordinal);
        var unknown = todo.Where(r => r.Key.Kind == EmbeddingKey.State && !paths.ContainsKey(r.Key.RepoId)).Select(r => r.Key.RepoId).Distinct().ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"no repository path given for {unknown.Count} repositories whose states need embedding: {string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", …" : "")}; the benchmark's manifest records no existing folder for them: pass them with c2l embed --repo PATH, --list FILE or --histories.");

        int states = 0, diffs = 0, empty = 0, done = 0;
        var diffEncoder = new DiffEncoder(embedder, config.Diff);
        var diffTodo = todo.Where(r => r.Key.Kind == EmbeddingKey.Diff).ToList();
        for (int i = 0; i < diffTodo.Count; i += FlushEvery)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = diffTodo.GetRange(i, Math.Min(FlushEvery, diffTodo.Count - i));
            var vectors = diffEncoder.Encode(batch.Select(r => r.DiffText ?? "").ToList());
            for (int j = 0; j < batch.Count; j++) store.Add(batch[j].Key, vectors[j]);
            diffs += batch.Count;
            done += batch.Count;
            await store.FlushAsync(description);
            progress?.Report(new EmbeddingProgress("diffs", done, todo.Count, batch[^1].Key.RepoId));
        }

        var stateEncoder = new RepoStateEncoder(embedder, config.State);
        var fileCacheId = FileVectorCache.IdFor(embedder.Fingerprint, config.State.Chunking);
        long filesEmbedded = 0, filesReused = 0;
        // States of one repository come in commit order, so each embeds only the files whose text is new since the previous one.
        foreach (var group in todo.Where(r => r.Key.Kind == EmbeddingKey.State).GroupBy(r => r.Key.RepoId))
        {
            using var source = RepoSource.Open(paths[group.Key], group.Key, config.State.Files.Rules);
            var files = await FileVectorCache.OpenAsync(FileVectorCache.Folder(directory, fileCacheId, group.Key));
            foreach (var request in group)
            {
                cancel.ThrowIfCancellationRequested();
                var snapshot = source.ReadSnapshot(request.Key.CommitSha, config.State.Files.Includes);
                store.Add(request.Key, stateEncoder.Encode(snapshot.Files, files, out var isEmpty));
                if (isEmpty) empty++;
                states++;
                done++;
                if (store.Pending >= FlushEvery)
                {
                    await files.FlushAsync();   // file vectors first: a resumed run then finds every file its stored states used
                    await store.FlushAsync(description);
                }
                progress?.Report(new EmbeddingProgress("states", done, todo.Count, group.Key));
            }
            await files.FlushAsync();
            (filesEmbedded, filesReused) = (filesEmbedded + files.Misses, filesReused + files.Hits);
        }
        await store.FlushAsync(description);
        return new EmbeddingRunSummary(encoderId, store.Location, plan.Count, plan.Count - todo.Count, states, diffs, empty,
            embedder.ForwardPasses - forwardsBefore, clock.Elapsed.TotalSeconds, filesEmbedded, filesReused);
    }
}
