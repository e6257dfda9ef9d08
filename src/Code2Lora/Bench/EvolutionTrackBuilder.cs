using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>What one repository's history contributes to the evolution track before splits.</summary>
public sealed record EvolutionRepoResult(RepoRow Repo, IReadOnlyList<CommitRow> Commits, IReadOnlyList<QnaRow> Tasks, int CommitsWalked, int FilesParsed);

/// <summary>Builds the evolution track from first-parent histories (paper-notes §3.4).</summary>
public static class EvolutionTrackBuilder
{
    /// <summary>
    /// Walks the first-parent history oldest-first, keeps the commits that add or change an assertion in a test file
    /// (by the key type + whitespace-normalised prefix + target), and records the production-code diff from the previous
    /// kept commit. Renames carry a file's assertion cache; deletions drop it.
    /// </summary>
    public static EvolutionRepoResult BuildRepo(RepoInput input, BenchConfig config, MiningRules rules, SkipReport skips)
    {
        using var source = RepoSource.Open(input.Path, input.RepoId, rules);
        var genome = ForgeGenome.Exists(input.Path) ? ForgeGenome.Load(input.Path) : null;
        var ledger = new AssertionLedger();
        var commits = new List<CommitRow>();
        var tasks = new List<QnaRow>();
        string? previousKept = null;
        int walked = 0;

        foreach (var commit in source.FirstParentHistory(config.HistoryCutoff))
        {
            walked++;
            var found = ledger.Scan(source, commit, rules, skipped => skips.Add(input.RepoId, skipped));
            if (found.Count == 0) continue;

            int index = commits.Count;
            commits.Add(new CommitRow
            {
                RepoId = input.RepoId, CommitIndex = index, CommitSha = commit.Sha, CommitTimestamp = commit.Timestamp.UtcDateTime,
                ProductionCodeDiff = source.ProductionDiff(previousKept, commit.Sha, rules),
                NewAssertions = found.Count, ModifiedAssertions = found.Count(f => f.Modified), AddedAssertions = found.Count(f => !f.Modified),
            });
            previousKept = commit.Sha;
            foreach (var (a, file, _) in found)
                tasks.Add(new QnaRow
                {
                    RepoId = input.RepoId, Prefix = a.Prefix, Target = a.Target, AssertionType = a.AssertionType,
                    Difficulty = Difficulty.Classify(a.Target), TestFile = file, TestFunction = a.TestFunction, TestClass = a.TestClass,
                    LineNo = a.LineNo, ColOffset = a.ColOffset, CommitSha = commit.Sha, CommitIndex = index, Track = "evolution",
                    AssertionEventId = Normalise.Id(input.RepoId, commit.Sha, file, AssertionLedger.Key(a)),
                    TaskKind = genome is null ? "unknown" : TaskKindLabeler.Label(genome, commit.Index, a.Target),
                });
        }

        var inRepo = Splitter.InRepoChronological(commits.Count, config);
        for (int i = 0; i < commits.Count; i++) commits[i].InRepoSplit = inRepo[i];
        var repo = new RepoRow
        {
            RepoId = input.RepoId, SnapshotSha = source.Head.Sha, Provenance = input.Provenance, Tasks = tasks.Count,
        };
        return new EvolutionRepoResult(repo, commits, tasks, walked, ledger.Parsed);
    }

    /// <summary>
    /// Splits repositories cross-repo (stratified by task count) and assigns every task its file: smart-capped training
    /// tasks from train repositories' in-repo train commits; the first EvalTasksPerCommit tasks of each scored commit for
    /// ir_val / ir_test (train repositories' val / test commits) and cr_val / cr_test (every commit of held-out repositories).
    /// </summary>
    public static (IReadOnlyList<RepoRow> Repos, IReadOnlyList<CommitRow> Commits, IReadOnlyList<QnaRow> Tasks) Split(
        IEnumerable<EvolutionRepoResult> results, BenchConfig config, SkipReport skips)
    {
        var kept = new List<EvolutionRepoResult>();
        foreach (var r in results.OrderBy(r => r.Repo.RepoId, StringComparer.Ordinal))
        {
            if (r.Commits.Count > 0) kept.Add(r);
            else skips.Add(r.Repo.RepoId, SkipReason.NoKeptCommits, "no commit adds or changes an assertion");
        }
        var split = Splitter.CrossRepo(kept.ToDictionary(r => r.Repo.RepoId, r => r.Tasks.Count), config);
        var commitsOut = new List<CommitRow>();
        var tasksOut = new List<QnaRow>();
        foreach (var r in kept)
        {
            var cross = split[r.Repo.RepoId];
            r.Repo.Split = cross;
            var byCommit = r.Tasks.GroupBy(t => t.CommitIndex).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var c in r.Commits)
            {
                c.CrossRepoSplit = cross;
                commitsOut.Add(c);
                var commitTasks = byCommit.GetValueOrDefault(c.CommitIndex) ?? [];
                IEnumerable<QnaRow> chosen; string file;
                if (cross != SplitNames.Train) { file = cross; chosen = commitTasks.Take(config.EvalTasksPerCommit); }
                else if (c.InRepoSplit == SplitNames.InRepoTrain) { file = SplitNames.Train; chosen = SmartCap.Apply(commitTasks, config); }
                else { file = c.InRepoSplit == SplitNames.InRepoVal ? SplitNames.IrVal : SplitNames.IrTest; chosen = commitTasks.Take(config.EvalTasksPerCommit); }
                foreach (var t in chosen) { t.Split = file; tasksOut.Add(t); }
            }
        }
        return (kept.Select(r => r.Repo).ToList(), commitsOut, tasksOut);
    }
}
