using System.Diagnostics;
using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>One measured mining run: throughput of the builder on one corpus.</summary>
public sealed record MiningSpeedResult(string Corpus, int Repos, int Commits, int Files, int Tasks, double Seconds,
    double CommitsPerS, double FilesPerS, double TasksPerS, string Command, string GitSha, string Machine);

/// <summary>Measures the benchmark builder's throughput (commits, files and tasks per second), single-threaded.</summary>
public static class MiningSpeed
{
    /// <summary>
    /// Builds the evolution track of <paramref name="historyRepos"/> and the static track of <paramref name="snapshotRepos"/>
    /// on one thread (so the figure is per core), after one untimed warm-up repository to exclude JIT time.
    /// </summary>
    public static IReadOnlyList<MiningSpeedResult> Measure(IReadOnlyList<RepoInput> historyRepos, string historyCorpus,
        IReadOnlyList<RepoInput> snapshotRepos, string snapshotCorpus, BenchConfig config, MiningRules rules, string command)
    {
        var results = new List<MiningSpeedResult>();
        var provenance = Provenance.Capture(command);
        if (historyRepos.Count > 0)
        {
            EvolutionTrackBuilder.BuildRepo(historyRepos[0], config, rules, new SkipReport()); // warm-up
            int commits = 0, files = 0, tasks = 0;
            var clock = Stopwatch.StartNew();
            foreach (var input in historyRepos)
            {
                var r = EvolutionTrackBuilder.BuildRepo(input, config, rules, new SkipReport());
                commits += r.CommitsWalked;
                files += r.FilesParsed;
                tasks += r.Tasks.Count;
            }
            results.Add(Result(historyCorpus, historyRepos.Count, commits, files, tasks, clock.Elapsed.TotalSeconds, provenance));
        }
        if (snapshotRepos.Count > 0)
        {
            StaticTrackBuilder.BuildRepo(snapshotRepos[0], config, rules, new SkipReport()); // warm-up
            int files = 0, tasks = 0;
            var clock = Stopwatch.StartNew();
            foreach (var input in snapshotRepos)
            {
                var r = StaticTrackBuilder.BuildRepo(input, config, rules, new SkipReport());
                files += r.Repo.SourceFiles + r.Repo.TestFiles;
                tasks += r.Tasks.Count;
            }
            results.Add(Result(snapshotCorpus, snapshotRepos.Count, snapshotRepos.Count, files, tasks, clock.Elapsed.TotalSeconds, provenance));
        }
        return results;
    }

    private static MiningSpeedResult Result(string corpus, int repos, int commits, int files, int tasks, double s, Provenance p) =>
        new(corpus, repos, commits, files, tasks, s, commits / s, files / s, tasks / s, p.Command, p.GitSha, p.Machine);
}
