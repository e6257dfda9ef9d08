using System.Diagnostics;
using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>One measured mining run: throughput of the builder on one corpus.</summary>
public sealed record MiningSpeedResult(string Corpus, int Threads, int Repos, int Commits, int Files, int Tasks, double Seconds,
    double CommitsPerS, double FilesPerS, double TasksPerS, string Command, string GitSha, string Machine);

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
            Run(historyRepos, 1, i => EvolutionTrackBuilder.BuildRepo(i, config, rules, new SkipReport())); // warm-up
            foreach (int threads in threadCounts)
            {
                var (built, s) = Run(historyRepos, threads, i => EvolutionTrackBuilder.BuildRepo(i, config, rules, new SkipReport()));
                results.Add(Result(historyCorpus, threads, built.Count, built.Sum(r => r.CommitsWalked), built.Sum(r => r.FilesParsed),
                    built.Sum(r => r.Tasks.Count), s, provenance));
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
    /// 500-commit repository, one thread: the figure the ≥ 500 commits/s goal of the benchmark issue is about.
    /// </summary>
    public static MiningSpeedResult MeasureMiningLayer(string workDir, MiningRules rules, string command)
    {
        var dir = Path.Combine(workDir, "synthetic-500");
        if (!LibGit2Sharp.Repository.IsValid(dir)) { if (Directory.Exists(dir)) Directory.Delete(dir, true); SyntheticHistory.Generate(dir, 500); }
        MiningBenchmark.Run(dir, rules); // warm-up
        var r = MiningBenchmark.Run(dir, rules);
        return Result("synthetic-500 (mining layer only)", 1, 1, r.Commits, r.TestFilesRead, 0, r.Seconds, Provenance.Capture(command));
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
