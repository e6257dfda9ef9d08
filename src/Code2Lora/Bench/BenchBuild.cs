using System.Collections.Concurrent;
using System.Text.Json;
using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>Counts of what a build wrote, per track and split.</summary>
public sealed record BenchSummary(
    IReadOnlyDictionary<string, int> StaticTasks, IReadOnlyDictionary<string, int> StaticRepos,
    IReadOnlyDictionary<string, int> EvolutionTasks, IReadOnlyDictionary<string, int> EvolutionRepos,
    int EvolutionCommits, int FailedRepos, double Seconds);

/// <summary>How mining one repository's history went: what it walked and kept, its wall-clock seconds and the process's peak RSS meanwhile.</summary>
public sealed record RepoMiningStats(string RepoId, int CommitsWalked, int KeptCommits, int Tasks, int FilesParsed, int CacheHits,
    double Seconds, double PeakRssMib);

/// <summary>Progress of a build: which phase, how many repositories are done.</summary>
public readonly record struct BenchProgress(string Phase, int Done, int Total, string? Current);

/// <summary>
/// Builds RepoPeftBench from a set of repositories into a folder:
/// <c>static/{qna,repos}/*.parquet</c>, <c>evolution/{qna,commits,repos}/*.parquet</c>, <c>skips.{json,md}</c>, <c>manifest.json</c>.
/// </summary>
public static class BenchBuild
{
    /// <summary>Runs both tracks. A repository that fails is recorded in the skip report and the build goes on.</summary>
    public static async Task<BenchSummary> RunAsync(IReadOnlyList<RepoInput> inputs, string outDir, BenchConfig config, MiningRules rules,
        string command, IProgress<BenchProgress>? progress = null, int parallelism = 0, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spoolRoot = Path.Combine(outDir, "evolution", ".spool");
        var mined = Mine(inputs, spoolRoot, config, rules, progress, parallelism, cancel);
        var summary = await FinishAsync(mined, outDir, config, rules, command, clock, progress);
        if (Directory.Exists(spoolRoot)) Directory.Delete(spoolRoot, recursive: true);
        return summary;
    }

    /// <summary>
    /// Mines only <paramref name="shard"/>'s repositories (both tracks) and writes their per-repository results to the partition
    /// folder <paramref name="partDir"/>; <see cref="MergeAsync"/> joins the N partitions into the files of <see cref="RunAsync"/>.
    /// </summary>
    public static int RunShard(IReadOnlyList<RepoInput> inputs, Evaluation.Shard shard, string partDir, BenchConfig config, MiningRules rules,
        IProgress<BenchProgress>? progress = null, int parallelism = 0, CancellationToken cancel = default)
    {
        var mine = inputs.Where(i => shard.Contains(i.RepoId)).ToList();
        BenchPartition.Begin(partDir);
        var mined = Mine(mine, BenchPartition.SpoolRoot(partDir), config, rules, progress, parallelism, cancel);
        progress?.Report(new BenchProgress("writing", 0, 1, partDir));
        BenchPartition.Write(partDir, shard, mined, config, rules);
        progress?.Report(new BenchProgress("writing", 1, 1, partDir));
        return mine.Count;
    }

    /// <summary>
    /// Joins the partitions of shards 1..N (each written by <see cref="RunShard"/>, all with the same config) and writes
    /// exactly the data files one <see cref="RunAsync"/> over every repository writes: the split and the writers are the same code.
    /// </summary>
    public static async Task<BenchSummary> MergeAsync(IReadOnlyList<string> partDirs, string outDir, string command,
        IProgress<BenchProgress>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (mined, config, rules) = await BenchPartition.ReadAllAsync(partDirs);
        return await FinishAsync(mined, outDir, config, rules, command, clock, progress);
    }

    /// <summary>The per-repository phase: the static track in parallel, then the histories one at a time.</summary>
    private static MinedRepos Mine(IReadOnlyList<RepoInput> inputs, string spoolRoot, BenchConfig config, MiningRules rules,
        IProgress<BenchProgress>? progress, int parallelism, CancellationToken cancel)
    {
        var skips = new SkipReport();
        int dop = parallelism > 0 ? parallelism : Environment.ProcessorCount;
        int failed = 0;
        var staticResults = RunEach(inputs.Where(i => i.Static).ToList(), "static track", i => StaticTrackBuilder.BuildRepo(i, config, rules, skips), skips, ref failed, dop, progress, cancel);
        var (evoResults, mining) = MineHistories(inputs.Where(i => i.Evolution).ToList(), spoolRoot, config, rules, skips, ref failed, dop, progress, cancel);
        return new MinedRepos(inputs, staticResults, evoResults, mining, skips, failed);
    }

    /// <summary>The cross-repository phase: one partition shared by both tracks, the track files, the skip report and the manifest.</summary>
    private static async Task<BenchSummary> FinishAsync(MinedRepos mined, string outDir, BenchConfig config, MiningRules rules, string command,
        System.Diagnostics.Stopwatch clock, IProgress<BenchProgress>? progress)
    {
        var skips = mined.Skips;
        var withHistory = mined.Inputs.Where(i => i.Static && i.Evolution).Select(i => i.RepoId).ToHashSet(StringComparer.Ordinal);
        var (sRepos, sTasks) = StaticTrackBuilder.Split(mined.Static, config, skips, withHistory);

        progress?.Report(new BenchProgress("writing", 0, 1, outDir));
        await WriteTrackAsync(Path.Combine(outDir, "static"), sRepos, sTasks);
        var evolution = await EvolutionTrackBuilder.SplitAndWriteAsync(mined.Evolution, Path.Combine(outDir, "evolution"), config, skips,
            sRepos.ToDictionary(r => r.RepoId, r => r.Split, StringComparer.Ordinal));
        skips.Write(Path.Combine(outDir, "skips.json")); // and skips.md beside it

        var summary = new BenchSummary(
            Count(sTasks.Select(t => t.Split)), Count(sRepos.Select(r => r.Split)),
            evolution.Tasks, Count(evolution.Repos.Select(r => r.Split)),
            evolution.Commits, mined.Failed, clock.Elapsed.TotalSeconds);
        var manifest = new
        {
            provenance = Provenance.Capture(command),
            config,
            mining_rules = rules,
            inputs = mined.Inputs.Select(i => new { repo_id = i.RepoId, i.Provenance, path = i.Path, @static = i.Static, evolution = i.Evolution }),
            summary,
            evolution_mining = mined.Mining,
        };
        AtomicFile.WriteText(Path.Combine(outDir, "manifest.json"), JsonSerializer.Serialize(manifest, Provenance.Json));
        progress?.Report(new BenchProgress("writing", 1, 1, outDir));
        return summary;
    }

    private static List<T> RunEach<T>(IReadOnlyList<RepoInput> inputs, string phase, Func<RepoInput, T> build, SkipReport skips,
        ref int failed, int dop, IProgress<BenchProgress>? progress, CancellationToken cancel)
    {
        var results = new ConcurrentBag<T>();
        int done = 0, fails = 0;
        progress?.Report(new BenchProgress(phase, 0, inputs.Count, null));
        Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = dop, CancellationToken = cancel }, input =>
        {
            try { results.Add(build(input)); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One bad repository must not sink the build: record why, with the exception type for triage.
                Interlocked.Increment(ref fails);
                skips.Add(input.RepoId, SkipReason.RepoFailed, $"{phase}: {e.GetType().Name}: {e.Message}");
            }
            progress?.Report(new BenchProgress(phase, Interlocked.Increment(ref done), inputs.Count, input.RepoId));
        });
        failed += fails;
        return results.ToList();
    }

    /// <summary>
    /// Mines the evolution track one repository at a time, each with <paramref name="threads"/> threads, so the peak memory
    /// recorded for a repository is its own and memory never holds more than one repository's working set; rows go to
    /// per-repository spools under <paramref name="spoolRoot"/>. A repository that fails is recorded and the rest go on.
    /// </summary>
    private static (List<EvolutionRepoResult>, List<RepoMiningStats>) MineHistories(IReadOnlyList<RepoInput> inputs, string spoolRoot,
        BenchConfig config, MiningRules rules, SkipReport skips, ref int failed, int threads, IProgress<BenchProgress>? progress, CancellationToken cancel)
    {
        const string phase = "evolution track";
        var results = new List<EvolutionRepoResult>();
        var stats = new List<RepoMiningStats>();
        progress?.Report(new BenchProgress(phase, 0, inputs.Count, null));
        for (int i = 0; i < inputs.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var input = inputs[i];
            GC.Collect();
            PeakRss.Reset();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var r = EvolutionTrackBuilder.BuildRepo(input, config, rules, skips, Path.Combine(spoolRoot, Normalise.Id(input.RepoId)), threads);
                results.Add(r);
                stats.Add(new RepoMiningStats(input.RepoId, r.CommitsWalked, r.KeptCommits, r.Tasks, r.FilesParsed, r.CacheHits,
                    Math.Round(clock.Elapsed.TotalSeconds, 3), Math.Round(PeakRss.MiB(), 1)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                skips.Add(input.RepoId, SkipReason.RepoFailed, $"{phase}: {e.GetType().Name}: {e.Message}");
            }
            progress?.Report(new BenchProgress(phase, i + 1, inputs.Count, input.RepoId));
        }
        return (results, stats);
    }

    private static async Task WriteTrackAsync(string dir, IReadOnlyList<RepoRow> repos, IReadOnlyList<QnaRow> tasks)
    {
        foreach (var split in SplitNames.QnaFiles)
            await ParquetTable.WriteAsync(Path.Combine(dir, "qna", split + ".parquet"), tasks.Where(t => t.Split == split).ToList());
        foreach (var split in new[] { SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest })
            await ParquetTable.WriteAsync(Path.Combine(dir, "repos", split + ".parquet"), repos.Where(r => r.Split == split).ToList());
    }

    private static IReadOnlyDictionary<string, int> Count(IEnumerable<string> splits) =>
        splits.GroupBy(s => s).OrderBy(g => Array.IndexOf(SplitNames.QnaFiles, g.Key)).ToDictionary(g => g.Key, g => g.Count());
}
