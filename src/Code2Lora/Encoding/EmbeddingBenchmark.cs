using System.Diagnostics;
using System.Text.Json.Serialization;
using Code2Lora.Mining;

namespace Code2Lora.Encoders;

/// <summary>One way of encoding every state of a history: what it embedded and how long it took (snapshot reads included).</summary>
public sealed record EmbeddingBenchPass(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("states")] int States,
    [property: JsonPropertyName("files_in_states")] long FilesInStates,
    [property: JsonPropertyName("files_embedded")] long FilesEmbedded,
    [property: JsonPropertyName("tokens_embedded")] long TokensEmbedded,
    [property: JsonPropertyName("windows_embedded")] long WindowsEmbedded,
    [property: JsonPropertyName("forward_passes")] long ForwardPasses,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("tokens_per_s")] double TokensPerSecond,
    [property: JsonPropertyName("states_per_s")] double StatesPerSecond);

/// <summary>Incremental against full re-embedding of one history's states, with the largest difference between their vectors.</summary>
public sealed record EmbeddingBenchRepo(
    [property: JsonPropertyName("repo_id")] string RepoId,
    [property: JsonPropertyName("head_sha")] string HeadSha,
    [property: JsonPropertyName("first_parent_commits")] int FirstParentCommits,
    [property: JsonPropertyName("kept_commits")] int KeptCommits,
    [property: JsonPropertyName("measured_commits")] int MeasuredCommits,
    [property: JsonPropertyName("incremental")] EmbeddingBenchPass Incremental,
    [property: JsonPropertyName("full")] EmbeddingBenchPass Full,
    [property: JsonPropertyName("ratio_files")] double RatioFiles,
    [property: JsonPropertyName("ratio_tokens")] double RatioTokens,
    [property: JsonPropertyName("ratio_seconds")] double RatioSeconds,
    [property: JsonPropertyName("max_abs_state_difference")] double MaxAbsStateDifference,
    [property: JsonPropertyName("load_average_start")] string? LoadAverageStart,
    [property: JsonPropertyName("load_average_end")] string? LoadAverageEnd);

/// <summary>
/// Measures what the per-file cache saves along a real history: every kept commit's state encoded incrementally (only files
/// whose text is new since the earlier states are embedded) and again from scratch, with the same embedder and recipe.
/// A kept commit is the first one and every first-parent commit that changes a file the recipe reads (others have the same state).
/// </summary>
public static class EmbeddingBenchmark
{
    /// <summary>Runs both passes over the first <paramref name="maxCommits"/> kept commits of <paramref name="source"/> (oldest first).</summary>
    public static EmbeddingBenchRepo Measure(RepoSource source, ChunkEmbedder embedder, RepoStateRecipe recipe, int maxCommits,
        IProgress<(string Mode, int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        if (maxCommits <= 0) throw new ArgumentException($"max commits must be positive, got {maxCommits}; measure at least one commit.");
        var history = source.FirstParentHistory();
        var kept = history.Where((c, i) => i == 0 || source.Changes(c).Any(f => recipe.Files.Includes(f.Path) || (f.OldPath is { } old && recipe.Files.Includes(old))))
            .ToList();
        var measured = kept.Take(maxCommits).ToList();
        var load = Runtime.MachineLoad.Now();
        // One untimed forward pass first: LibTorch's first call allocates and warms its kernels.
        embedder.MeanPool([[0, 1, 2, 3]]);
        var encoder = new RepoStateEncoder(embedder, recipe);
        var cache = FileVectorCache.InMemory();
        var (incremental, incrementalStates) = Pass("incremental", measured, source, embedder, recipe, files => encoder.Encode(files, cache, out _),
            () => cache.Misses, progress, cancel);
        var (full, fullStates) = Pass("full", measured, source, embedder, recipe, files => encoder.Encode(files, out _), null, progress, cancel);
        var worst = incrementalStates.Zip(fullStates, (a, b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).DefaultIfEmpty(0).Max()).DefaultIfEmpty(0).Max();
        return new EmbeddingBenchRepo(source.RepoId, source.Head.Sha, history.Count, kept.Count, measured.Count, incremental, full,
            Ratio(incremental.FilesEmbedded, full.FilesEmbedded), Ratio(incremental.TokensEmbedded, full.TokensEmbedded),
            Ratio(incremental.Seconds, full.Seconds), worst, load, Runtime.MachineLoad.Now());
    }

    // Without a count of embedded files, every file of every state was embedded (the full pass).
    private static (EmbeddingBenchPass, List<float[]>) Pass(string mode, IReadOnlyList<CommitInfo> commits, RepoSource source, ChunkEmbedder embedder,
        RepoStateRecipe recipe, Func<IReadOnlyList<SourceFile>, float[]> encode, Func<long>? filesEmbedded, IProgress<(string, int, int)>? progress,
        CancellationToken cancel)
    {
        var (tokens, windows, passes, files) = (embedder.TokensEmbedded, embedder.WindowsEmbedded, embedder.ForwardPasses, filesEmbedded?.Invoke() ?? 0);
        var states = new List<float[]>();
        long filesInStates = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < commits.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var snapshot = source.ReadSnapshot(commits[i].Sha, recipe.Files.Includes).Files;
            states.Add(encode(snapshot));
            filesInStates += recipe.Files.Select(snapshot).Count;
            progress?.Report((mode, i + 1, commits.Count));
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var tokenCount = embedder.TokensEmbedded - tokens;
        return (new EmbeddingBenchPass(mode, commits.Count, filesInStates,
            filesEmbedded is null ? filesInStates : filesEmbedded() - files, tokenCount, embedder.WindowsEmbedded - windows,
            embedder.ForwardPasses - passes, seconds, tokenCount / Math.Max(seconds, 1e-9), commits.Count / Math.Max(seconds, 1e-9)), states);
    }

    private static double Ratio(double part, double whole) => whole == 0 ? 0 : part / whole;
}
