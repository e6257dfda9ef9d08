using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>What one repository's history contributes to the evolution track before splits; its rows wait in <see cref="SpoolDirectory"/>.</summary>
/// <remarks><c>Tasks</c> counts every new or changed assertion of the kept commits (the count the cross-repo split stratifies on);
/// <c>FilesParsed</c> counts the test-file versions compared, <c>CacheHits</c> of them without a parse (their blob was parsed before).</remarks>
public sealed record EvolutionRepoResult(RepoRow Repo, int KeptCommits, int Tasks, int CommitsWalked, int FilesParsed, int CacheHits,
    string SpoolDirectory);

/// <summary>What the evolution track's split wrote: the repositories (with their cross-repo split), tasks per split file, and kept commits.</summary>
public sealed record EvolutionSplitCounts(IReadOnlyList<RepoRow> Repos, IReadOnlyDictionary<string, int> Tasks, int Commits);

/// <summary>Builds the evolution track from first-parent histories (paper-notes §3.4).</summary>
public static class EvolutionTrackBuilder
{
    /// <summary>
    /// Walks the first-parent history oldest-first, keeps the commits that add or change an assertion in a test file
    /// (by the key type + whitespace-normalised prefix + target), and records the production-code diff from the previous
    /// kept commit. Renames carry a file's assertion cache; deletions drop it. The kept commits and the tasks a split can
    /// choose go to an <see cref="EvolutionSpool"/> in <paramref name="spoolDirectory"/> as the walk goes; only those
    /// tasks' prefixes are ever built. With <paramref name="threads"/> &gt; 1, threads − 1 helpers parse test files and one
    /// more thread computes diffs and writes the spool; the output does not depend on it.
    /// </summary>
    public static EvolutionRepoResult BuildRepo(RepoInput input, BenchConfig config, MiningRules rules, SkipReport skips,
        string spoolDirectory, int threads = 1)
    {
        using var source = RepoSource.Open(input.Path, input.RepoId, rules);
        var genome = ForgeGenome.Exists(input.Path) ? ForgeGenome.Load(input.Path) : null;
        var ledger = new AssertionLedger();
        using var spool = new EvolutionSpool(spoolDirectory);
        using var writer = new KeptCommitWriter(input, rules, spool, background: threads > 1);
        string? previousKept = null;
        int walked = 0, kept = 0, tasks = 0;

        var history = source.FirstParentHistory(config.HistoryCutoff);
        foreach (var (commit, found) in ledger.Walk(source, history, rules, threads, skipped => skips.Add(input.RepoId, skipped)))
        {
            walked++;
            if (found.Count == 0) continue;

            int index = kept++;
            var row = new CommitRow
            {
                RepoId = input.RepoId, CommitIndex = index, CommitSha = commit.Sha, CommitTimestamp = commit.Timestamp.UtcDateTime,
                NewAssertions = found.Count, ModifiedAssertions = found.Count(f => f.Modified), AddedAssertions = found.Count(f => !f.Modified),
            };
            // Selection reads only target, file and function; the rest of a row (prefix, difficulty, ids) is filled in
            // for the few rows a split can choose.
            var rows = found.Select(a => new QnaRow { Target = a.Site.Target, TestFile = a.File, TestFunction = a.Site.TestFunction }).ToList();
            var eval = rows.Take(config.EvalTasksPerCommit).ToList();
            var train = SmartCap.Apply(rows, config);
            for (int i = 0; i < rows.Count; i++)
                if (i < eval.Count || train.Contains(rows[i])) Fill(rows[i], input.RepoId, commit, index, found[i], genome);
            writer.Add(row, previousKept, eval, train);   // the production diff from the previous kept commit is computed there
            previousKept = commit.Sha;
            tasks += rows.Count;
        }
        writer.Complete();

        var repo = new RepoRow
        {
            RepoId = input.RepoId, SnapshotSha = source.Head.Sha, Provenance = input.Provenance, Tasks = tasks,
        };
        return new EvolutionRepoResult(repo, kept, tasks, walked, ledger.Parsed, ledger.CacheHits, spool.Directory);
    }

    /// <summary>Completes a task row chosen as a candidate: its prefix (built here, the costly part), position, difficulty and ids.</summary>
    private static void Fill(QnaRow row, string repoId, CommitInfo commit, int index, NewAssertion a, GenomeManifest? genome)
    {
        row.RepoId = repoId;
        row.Prefix = a.Prefix();
        row.AssertionType = a.Site.AssertionType;
        row.Difficulty = Difficulty.Classify(a.Site.Target);
        row.TestClass = a.Site.TestClass;
        (row.LineNo, row.ColOffset) = (a.Site.LineNo, a.Site.ColOffset);
        (row.CommitSha, row.CommitIndex, row.Track) = (commit.Sha, index, "evolution");
        row.AssertionEventId = Normalise.Id(repoId, commit.Sha, a.File, AssertionKey.Hex(a.Key.Key));
        row.TaskKind = genome is null ? "unknown" : TaskKindLabeler.Label(genome, commit.Index, a.Site.Target);
    }

    /// <summary>
    /// Splits repositories cross-repo (stratified by task count) and writes every chosen task to its file under
    /// <paramref name="trackDirectory"/>: smart-capped training tasks from train repositories' in-repo train commits; the first
    /// EvalTasksPerCommit tasks of each scored commit for ir_val / ir_test (train repositories' val / test commits) and
    /// cr_val / cr_test (every commit of held-out repositories). Repositories are read back from their spools one at a
    /// time and written in repository-id order, so the files do not depend on how (or how parallel) they were mined.
    /// A repository in <paramref name="staticSplit"/> keeps its static-track partition (paper-notes §3.4 step 4); the others
    /// (histories without a static track, the forge) are split among themselves. With <see cref="BenchConfig.MaxKeptCommits"/>,
    /// each history contributes only its last kept commits, renumbered from 0.
    /// </summary>
    public static async Task<EvolutionSplitCounts> SplitAndWriteAsync(IEnumerable<EvolutionRepoResult> results, string trackDirectory, BenchConfig config, SkipReport skips,
        IReadOnlyDictionary<string, string>? staticSplit = null)
    {
        var kept = new List<EvolutionRepoResult>();
        foreach (var r in results.OrderBy(r => r.Repo.RepoId, StringComparer.Ordinal))
        {
            if (r.KeptCommits > 0) kept.Add(r);
            else skips.Add(r.Repo.RepoId, SkipReason.NoKeptCommits, "no commit adds or changes an assertion");
        }
        var split = Splitter.CrossRepo(kept.Where(r => staticSplit?.ContainsKey(r.Repo.RepoId) != true).ToDictionary(r => r.Repo.RepoId, r => r.Tasks), config)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var r in kept)
            if (staticSplit?.TryGetValue(r.Repo.RepoId, out var s) == true) split[r.Repo.RepoId] = s;
        string[] repoSplits = [SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest];
        var qna = SplitNames.QnaFiles.ToDictionary(s => s, s => new ParquetAppender<QnaRow>(Path.Combine(trackDirectory, "qna", s + ".parquet"),
            t => t.Prefix.Length + t.Target.Length + 256));
        var commits = repoSplits.ToDictionary(s => s, s => new ParquetAppender<CommitRow>(Path.Combine(trackDirectory, "commits", s + ".parquet"),
            c => c.ProductionCodeDiff.Length + 128));
        try
        {
            foreach (var r in kept)
            {
                var cross = split[r.Repo.RepoId];
                r.Repo.Split = cross;
                // The window: the last MaxKeptCommits kept commits, renumbered so every reader sees a history that starts at 0.
                int first = Math.Max(0, r.KeptCommits - (config.MaxKeptCommits ?? r.KeptCommits));
                var inRepo = Splitter.InRepoChronological(r.KeptCommits - first, config);
                foreach (var c in EvolutionSpool.Commits(r.SpoolDirectory).Where(c => c.CommitIndex >= first))
                {
                    c.CommitIndex -= first;
                    (c.CrossRepoSplit, c.InRepoSplit) = (cross, inRepo[c.CommitIndex]);
                    commits[cross].Add(c);
                }
                foreach (var t in ChosenTasks(Window(EvolutionSpool.EvalTasks(r.SpoolDirectory), first), Window(EvolutionSpool.TrainTasks(r.SpoolDirectory), first), cross, inRepo))
                    qna[t.Split].Add(t);
            }
            foreach (var w in qna.Values) w.Complete();
            foreach (var w in commits.Values) w.Complete();
            foreach (var s in repoSplits)
                await ParquetTable.WriteAsync(Path.Combine(trackDirectory, "repos", s + ".parquet"), kept.Select(r => r.Repo).Where(r => r.Split == s).ToList());
            return new EvolutionSplitCounts(kept.Select(r => r.Repo).ToList(),
                qna.Where(w => w.Value.Rows > 0).ToDictionary(w => w.Key, w => w.Value.Rows), commits.Values.Sum(w => w.Rows));
        }
        finally
        {
            foreach (var w in qna.Values) w.Dispose();
            foreach (var w in commits.Values) w.Dispose();
        }
    }

    /// <summary>A repository's tasks in commit order, each with its split file set: evaluation candidates, or for a train repository's in-repo train commits the smart-capped ones.</summary>
    private static IEnumerable<QnaRow> ChosenTasks(IEnumerable<QnaRow> evalTasks, IEnumerable<QnaRow> trainTasks, string cross, string[] inRepo)
    {
        if (cross != SplitNames.Train)
        {
            foreach (var t in evalTasks) { t.Split = cross; yield return t; }
            yield break;
        }
        using var eval = evalTasks.GetEnumerator();
        using var train = trainTasks.GetEnumerator();
        bool moreEval = eval.MoveNext(), moreTrain = train.MoveNext();
        for (int c = 0; c < inRepo.Length; c++)
        {
            for (; moreEval && eval.Current.CommitIndex == c; moreEval = eval.MoveNext())
            {
                if (inRepo[c] == SplitNames.InRepoTrain) continue;
                eval.Current.Split = inRepo[c] == SplitNames.InRepoVal ? SplitNames.IrVal : SplitNames.IrTest;
                yield return eval.Current;
            }
            for (; moreTrain && train.Current.CommitIndex == c; moreTrain = train.MoveNext())
            {
                if (inRepo[c] != SplitNames.InRepoTrain) continue;
                train.Current.Split = SplitNames.Train;
                yield return train.Current;
            }
        }
    }

    /// <summary>The tasks of the commits from <paramref name="first"/> on, renumbered with their commits.</summary>
    private static IEnumerable<QnaRow> Window(IEnumerable<QnaRow> tasks, int first)
    {
        foreach (var t in tasks)
        {
            if (t.CommitIndex < first) continue;
            t.CommitIndex -= first;
            yield return t;
        }
    }
}
