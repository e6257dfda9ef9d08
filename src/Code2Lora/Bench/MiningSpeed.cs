using System.Diagnostics;
using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>One measured mining run: throughput of the builder on one corpus.</summary>
public sealed record MiningSpeedResult(string Corpus, int Threads, int Repos, int Commits, int Files, int Tasks, double Seconds,
    double CommitsPerS, double FilesPerS, double TasksPerS, string Command, string GitSha, string Machine);

/// <summary>One repository's evolution-track mining, timed alone in the process (so its peak RSS is its own).</summary>
/// <remarks><c>Seconds</c> is wall clock; <c>CpuSeconds</c> the process's CPU time over the same span, which other processes
/// on a shared machine inflate far less. <c>PeakRssMib</c>: peak resident memory of the process while this repository was
/// mined (runtime included). <c>FilesParsed</c>: test-file versions compared, <c>CacheHits</c> of them reusing an earlier
/// parse of the same blob. <c>Error</c>: why the repository could not be mined (then the counts are 0).</remarks>
public sealed record RepoMiningSpeed(string RepoId, int Commits, int KeptCommits, int FilesParsed, int CacheHits, int Tasks, double Seconds,
    double CpuSeconds, double CommitsPerS, double PeakRssMib, string? Error);

/// <summary>Real histories mined one repository after another with <c>Threads</c> threads each.</summary>
/// <remarks><c>CommitsPerS</c>: first-parent commits walked per wall-clock second over all repositories that could be mined.
/// <c>LoadAverageStart</c>, <c>LoadAverageEnd</c>: /proc/loadavg (1, 5, 15 minutes) before the first repository and after the last.</remarks>
public sealed record HistoryMiningSpeed(string Corpus, int Threads, int Repos, int Commits, double Seconds, double CpuSeconds,
    double CommitsPerS, double MaxPeakRssMib, string? LoadAverageStart, string? LoadAverageEnd, IReadOnlyList<RepoMiningSpeed> PerRepo);

/// <summary>results/bench/mining.json: real histories per repository, and the preset's corpora (forge, Debian, mining layer).</summary>
public sealed record MiningSpeedReport(IReadOnlyList<HistoryMiningSpeed> RealHistories, IReadOnlyList<MiningSpeedResult> Corpora,
    string Note, Provenance Provenance);

/// <summary>Measures the benchmark builder's throughput (commits, files and tasks per second) with 1 thread and with all cores.</summary>
public static class MiningSpeed
{
    /// <summary>
    /// Builds the evolution track of <paramref name="historyRepos"/> and the static track of <paramref name="snapshotRepos"/>,
    /// once per thread count (repositories in parallel, as the builder runs them), after one untimed warm-up pass that
    /// excludes JIT time. Run it on a quiet machine: the figures are wall-clock.
    /// </summary>
    public static IReadOnlyList<MiningSpeedResult> Measure(IReadOnlyList<RepoInput> historyRepos, string historyCorpus,
        IReadOnlyList<RepoInput> snapshotRepos, string snapshotCorpus, BenchConfig config, MiningRules rules, string command)
    {
        var results = new List<MiningSpeedResult>();
        var provenance = Provenance.Capture(command);
        var threadCounts = new[] { 1, Environment.ProcessorCount }.Distinct().ToArray();
        if (historyRepos.Count > 0)
        {
            using var spools = new ScratchDirectory("c2l-mining-speed-");
            EvolutionRepoResult Mine(RepoInput i) => EvolutionTrackBuilder.BuildRepo(i, config, rules, new SkipReport(), spools.For(i.RepoId));
            Run(historyRepos, 1, Mine); // warm-up
            foreach (int threads in threadCounts)
            {
                var (built, s) = Run(historyRepos, threads, Mine);
                results.Add(Result(historyCorpus, threads, built.Count, built.Sum(r => r.CommitsWalked), built.Sum(r => r.FilesParsed),
                    built.Sum(r => r.Tasks), s, provenance));
            }
        }
        if (snapshotRepos.Count > 0)
        {
            Run(snapshotRepos, 1, i => StaticTrackBuilder.BuildRepo(i, config, rules, new SkipReport())); // warm-up
            foreach (int threads in threadCounts)
            {
                var (built, s) = Run(snapshotRepos, threads, i => StaticTrackBuilder.BuildRepo(i, config, rules, new SkipReport()));
                results.Add(Result(snapshotCorpus, threads, built.Count, built.Count, built.Sum(r => r.Repo.SourceFiles + r.Repo.TestFiles),
                    built.Sum(r => r.Tasks.Count), s, provenance));
            }
        }
        return results;
    }

    /// <summary>
    /// The mining layer alone (walk, changes, test-file reads, production diffs; no Python parsing) on a seeded
    /// 500-commit repository, one thread: the git side's ceiling. The ≥ 500 commits/s goal is about the whole miner on
    /// real histories (<see cref="MeasureHistories"/>).
    /// </summary>
    public static MiningSpeedResult MeasureMiningLayer(string workDir, MiningRules rules, string command)
    {
        var dir = Path.Combine(workDir, "synthetic-500");
        if (!LibGit2Sharp.Repository.IsValid(dir)) { if (Directory.Exists(dir)) Directory.Delete(dir, true); SyntheticHistory.Generate(dir, 500); }
        MiningBenchmark.Run(dir, rules); // warm-up
        var r = MiningBenchmark.Run(dir, rules);
        return Result("synthetic-500 (mining layer only)", 1, 1, r.Commits, r.TestFilesRead, 0, r.Seconds, Provenance.Capture(command));
    }

    /// <summary>
    /// Mines the evolution track of each repository in turn, once per thread count, after an untimed warm-up on the
    /// smallest one (JIT). Memory is reclaimed and the peak RSS reset before each repository, so its figure is its own.
    /// A repository that fails (including running out of memory) is recorded with its error and the rest go on.
    /// </summary>
    public static IReadOnlyList<HistoryMiningSpeed> MeasureHistories(IReadOnlyList<RepoInput> repos, string corpus, BenchConfig config,
        MiningRules rules, IReadOnlyList<int> threadCounts, IProgress<BenchProgress>? progress = null)
    {
        var results = new List<HistoryMiningSpeed>();
        if (repos.Count == 0) return results;
        using var spools = new ScratchDirectory("c2l-mining-speed-");
        var smallest = repos.MinBy(r => { using var s = RepoSource.Open(r.Path, r.RepoId, rules); return s.FirstParentHistory(config.HistoryCutoff).Count; })!;
        MineOne(smallest, config, rules, threadCounts[0], spools);
        foreach (int threads in threadCounts)
        {
            var loadStart = MachineLoad.Now();
            var perRepo = new List<RepoMiningSpeed>();
            for (int i = 0; i < repos.Count; i++)
            {
                progress?.Report(new BenchProgress($"mining speed, {threads} thread(s)", i, repos.Count, repos[i].RepoId));
                perRepo.Add(MineOne(repos[i], config, rules, threads, spools));
            }
            progress?.Report(new BenchProgress($"mining speed, {threads} thread(s)", repos.Count, repos.Count, null));
            var ok = perRepo.Where(r => r.Error is null).ToList();
            double seconds = ok.Sum(r => r.Seconds);
            int commits = ok.Sum(r => r.Commits);
            results.Add(new HistoryMiningSpeed(corpus, threads, ok.Count, commits, seconds, ok.Sum(r => r.CpuSeconds),
                seconds > 0 ? commits / seconds : 0, perRepo.Max(r => r.PeakRssMib), loadStart, MachineLoad.Now(), perRepo));
        }
        return results;
    }

    private static RepoMiningSpeed MineOne(RepoInput input, BenchConfig config, MiningRules rules, int threads, ScratchDirectory spools)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        PeakRss.Reset();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        try
        {
            var built = EvolutionTrackBuilder.BuildRepo(input, config, rules, new SkipReport(), spools.For(input.RepoId), threads);
            double s = clock.Elapsed.TotalSeconds, cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Directory.Delete(built.SpoolDirectory, recursive: true);
            return new RepoMiningSpeed(input.RepoId, built.CommitsWalked, built.KeptCommits, built.FilesParsed, built.CacheHits, built.Tasks, s, cpuS,
                built.CommitsWalked / s, PeakRss.MiB(), null);
        }
        catch (Exception e) when (e is MiningException or OutOfMemoryException or LibGit2Sharp.LibGit2SharpException or IOException)
        {
            return new RepoMiningSpeed(input.RepoId, 0, 0, 0, 0, 0, clock.Elapsed.TotalSeconds, 0, 0, PeakRss.MiB(), $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static (List<T> Built, double Seconds) Run<T>(IReadOnlyList<RepoInput> inputs, int threads, Func<RepoInput, T> build)
    {
        var built = new T[inputs.Count];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => built[i] = build(inputs[i]));
        return (built.ToList(), clock.Elapsed.TotalSeconds);
    }

    private static MiningSpeedResult Result(string corpus, int threads, int repos, int commits, int files, int tasks, double s, Provenance p) =>
        new(corpus, threads, repos, commits, files, tasks, s, commits / s, files / s, tasks / s, p.Command, p.GitSha, p.Machine);
}

/// <summary>A temporary folder for per-repository spools, removed with everything in it.</summary>
internal sealed class ScratchDirectory(string prefix) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>A folder name for one repository inside the scratch folder.</summary>
    public string For(string repoId) => Path.Combine(_root, Normalise.Id(repoId));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
