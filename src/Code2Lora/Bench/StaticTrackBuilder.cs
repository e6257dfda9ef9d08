using Code2Lora.Mining;
using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>What one repository contributes to the static track before the cross-repo split.</summary>
public sealed record StaticRepoResult(RepoRow Repo, IReadOnlyList<QnaRow> Tasks);

/// <summary>Builds static-track tasks from one snapshot per repository (paper-notes §3.3).</summary>
public static class StaticTrackBuilder
{
    /// <summary>
    /// Reads the repository at HEAD, extracts candidate tasks from its test files and applies the per-repository
    /// selection. Files that cannot be read or parsed are recorded in <paramref name="skips"/>; the rest still count.
    /// </summary>
    public static StaticRepoResult BuildRepo(RepoInput input, BenchConfig config, MiningRules rules, SkipReport skips)
    {
        using var source = RepoSource.Open(input.Path, input.RepoId, rules);
        var snapshot = source.ReadSnapshot(include: p => p.EndsWith(".py", StringComparison.Ordinal));
        foreach (var s in snapshot.Skipped) skips.Add(input.RepoId, s);

        var options = new StaticExtractionOptions { MaxPrefixLines = config.MaxPrefixLines, MaxTargetChars = config.MaxTargetChars };
        var candidates = new List<QnaRow>();
        int testFiles = 0;
        foreach (var file in snapshot.Files)
        {
            if (!FileRules.IsTestFile(file.Path, file.Text, rules.TestRule)) continue;
            testFiles++;
            IReadOnlyList<AssertionCandidate> found;
            try { found = StaticTaskExtractor.Extract(file.Text, options); }
            catch (PySyntaxError e)
            {
                skips.Add(input.RepoId, new SkippedFile(file.Path, SkipReason.SyntaxError, $"line {e.Line}: {e.Message}"));
                continue;
            }
            candidates.AddRange(found.Select(c => ToRow(input.RepoId, file.Path, snapshot.CommitSha, source.Head.Index, c)));
        }

        var selected = TaskSelector.Select(candidates, config);
        var repo = new RepoRow
        {
            RepoId = input.RepoId, SnapshotSha = snapshot.CommitSha, Provenance = input.Provenance, Tasks = selected.Count,
            SourceFiles = snapshot.Files.Count - testFiles, TestFiles = testFiles,
        };
        return new StaticRepoResult(repo, selected);
    }

    internal static QnaRow ToRow(string repoId, string testFile, string sha, int commitIndex, AssertionCandidate c) => new()
    {
        RepoId = repoId, Prefix = c.Prefix, Target = c.Target, AssertionType = c.AssertionType, Difficulty = c.Difficulty,
        TestFile = testFile, TestFunction = c.TestFunction, TestClass = c.TestClass, LineNo = c.LineNo, ColOffset = c.ColOffset,
        CommitSha = sha, CommitIndex = commitIndex, Track = "static",
    };

    /// <summary>
    /// Keeps repositories with at least MinTasksPerRepo tasks, splits them cross-repo, and splits train repositories'
    /// tasks in-repo. Returns the repository rows and the task rows, each with its split set. Repositories named in
    /// <paramref name="withHistory"/> (they are in the evolution track too) are split among themselves, the others
    /// (snapshots without history) among themselves, each group by the paper's fractions: the evolution track keeps this
    /// partition (paper-notes §3.4 step 4), and a group of histories mixed into many more snapshots would otherwise leave it
    /// with almost no held-out repository. When every repository has a history, as in the paper, this is the paper's split.
    /// </summary>
    public static (IReadOnlyList<RepoRow> Repos, IReadOnlyList<QnaRow> Tasks) Split(IEnumerable<StaticRepoResult> results, BenchConfig config, SkipReport skips,
        IReadOnlySet<string>? withHistory = null)
    {
        var kept = new List<StaticRepoResult>();
        foreach (var r in results.OrderBy(r => r.Repo.RepoId, StringComparer.Ordinal))
        {
            if (r.Tasks.Count >= config.MinTasksPerRepo) kept.Add(r);
            else skips.Add(r.Repo.RepoId, SkipReason.TooFewTasks, $"{r.Tasks.Count} tasks < {config.MinTasksPerRepo}");
        }
        var split = new Dictionary<string, string>();
        foreach (var group in kept.GroupBy(r => withHistory?.Contains(r.Repo.RepoId) == true))
            foreach (var (id, s) in Splitter.CrossRepo(group.ToDictionary(r => r.Repo.RepoId, r => r.Tasks.Count), config))
                split[id] = s;
        var tasks = new List<QnaRow>();
        foreach (var r in kept)
        {
            r.Repo.Split = split[r.Repo.RepoId];
            var inRepo = r.Repo.Split == SplitNames.Train ? Splitter.InRepoRandom(r.Tasks.Count, r.Repo.RepoId, config) : null;
            for (int i = 0; i < r.Tasks.Count; i++)
            {
                r.Tasks[i].Split = inRepo?[i] ?? r.Repo.Split;
                tasks.Add(r.Tasks[i]);
            }
        }
        return (kept.Select(r => r.Repo).ToList(), tasks);
    }
}
