using System.Diagnostics;

namespace Code2Lora.Mining;

/// <summary>Throughput of the evolution-track mining loop on one repository.</summary>
public sealed record MiningBenchmarkResult(int Commits, int ChangedFiles, int TestFilesRead, long DiffChars, double Seconds)
{
    /// <summary>Commits walked (with changes, test reads and production diff) per second.</summary>
    public double CommitsPerSecond => Commits / Seconds;

    /// <summary>Changed test files read per second.</summary>
    public double FilesPerSecond => TestFilesRead / Seconds;
}

/// <summary>Times what the evolution track does per commit (paper-notes §3.4 steps 1 and 3). Goal: ≥ 500 commits/s.</summary>
public static class MiningBenchmark
{
    /// <summary>
    /// Opens <paramref name="repoPath"/>, walks its first-parent history, and for every commit lists its changes, reads
    /// each changed test <c>.py</c> file and builds the production diff against the first parent.
    /// </summary>
    public static MiningBenchmarkResult Run(string repoPath, MiningRules? rules = null)
    {
        rules ??= new MiningRules { TestRule = TestFileRule.Code };
        var clock = Stopwatch.StartNew();
        using var source = RepoSource.Open(repoPath, rules: rules);
        int changed = 0, read = 0;
        long diffChars = 0;
        var history = source.FirstParentHistory();
        foreach (var commit in history)
        {
            foreach (var change in source.Changes(commit))
            {
                changed++;
                if (change.Kind == ChangeKind.Deleted || !change.Path.EndsWith(".py", StringComparison.Ordinal)) continue;
                if (!FileRules.IsTestPath(change.Path, rules.TestRule)) continue;
                if (source.ReadText(commit.Sha, change.Path, out _) is not null) read++;
            }
            if (!source.IsPlainDirectory) diffChars += source.ProductionDiff(commit.FirstParentSha, commit.Sha, rules).Length;
        }
        return new MiningBenchmarkResult(history.Count, changed, read, diffChars, clock.Elapsed.TotalSeconds);
    }
}
