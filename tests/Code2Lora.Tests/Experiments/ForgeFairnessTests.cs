using System.Text.Json.Nodes;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Experiments;
using Code2Lora.Forge;
using Code2Lora.Reporting;
using Code2Lora.Hyper;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training;
using TorchSharp;

namespace Code2Lora.Tests.Experiments;

/// <summary>docs/forge.md's fairness checks (c2l eval forge-checks): the oracle reads the fact's defining file at the task's commit, the
/// staleness check pairs k−1 with k only where the fact changed, and the whole run writes its verdicts on a small forge.</summary>
[Collection("Torch")]   // the end-to-end run seeds torch's global RNG
public sealed class ForgeFairnessTests(ForgeChecksFixture fx) : IClassFixture<ForgeChecksFixture>
{
    private static string GitFile(string repoPath, string sha, string path)
    {
        using var repo = new LibGit2Sharp.Repository(repoPath);
        var blob = LibGit2Sharp.RepositoryExtensions.Lookup<LibGit2Sharp.Commit>(repo, sha)[path]?.Target as LibGit2Sharp.Blob;
        Assert.NotNull(blob);
        return blob.GetContentText();
    }

    [Fact]
    public void ChangedSince_finds_a_fact_whose_state_moved_between_the_two_commits_and_whether_the_target_names_the_new_surface()
    {
        var fact = new FactState("port", "constant",
        [
            new FactValue(0, 4, "ZQ_PORT", "config", "ZQ_PORT = 8431", ["8431", "ZQ_PORT"]),
            new FactValue(5, 9, "ZQ_PORT", "config", "ZQ_PORT = 8432", ["8432", "ZQ_PORT"]),
        ]);
        var g = new GenomeManifest("r", 1, [fact], [], 0, "zq", "src", "zq", "d", "");
        var changed = TaskFacts.ChangedSince(g, 4, 5, "8432)");
        Assert.True(Assert.Single(changed).NewSurface);
        Assert.Equal(8431 - 0, int.Parse(changed[0].Previous.Surfaces[0]));
        Assert.False(Assert.Single(TaskFacts.ChangedSince(g, 3, 6, "ZQ_PORT)")).NewSurface);   // changed, but the target names an old surface
        Assert.Empty(TaskFacts.ChangedSince(g, 5, 7, "8432)"));                                 // the same range: nothing changed
        Assert.Empty(TaskFacts.ChangedSince(g, 3, 4, "8431"));
        Assert.Empty(TaskFacts.ChangedSince(g, 4, 5, "[1, 2, 3]"));                             // names no fact
        Assert.Empty(TaskFacts.ChangedSince(g, 4, 5, "8431"));                                  // names only the retired value
        Assert.Equal("src/zq/config.py", TaskFacts.ModulePath(g, "config"));
    }

    [Fact]
    public void The_oracle_context_is_the_facts_defining_file_at_the_tasks_commit_with_its_current_value_and_no_later_one()
    {
        var genomes = ForgeFairness.Genomes(fx.Inputs);
        Assert.Equal(4, genomes.Count);
        var oracle = new OracleContext(genomes, new ByteTokenizer(), new CompletionSettings { MaxInputTokens = 1_000_000 });   // room for any whole file
        int files = 0, current = 0, later = 0;
        foreach (var t in fx.Bench.EvolutionTasks.Where(t => t.TaskKind == TaskKindLabeler.RepoSpecific))
        {
            var look = oracle.Lookup(t);
            var (g, path) = genomes[t.RepoId];
            var k = TaskFacts.CommitIndexOf(g, t.CommitSha);
            Assert.True(k >= 0);
            var mention = TaskFacts.Mentioned(g, k, t.Target)[0];
            if (mention.Current is null) { Assert.Null(look.Context); continue; }
            var file = TaskFacts.ModulePath(g, mention.Current.Module);
            var text = GitFile(path, t.CommitSha, file);
            Assert.Equal($"# {file}\n{text}{OracleContext.Separator}", look.Context);
            Assert.True(look.WholeFile);
            files++;
            if (text.Contains(mention.Current.Value, StringComparison.Ordinal)) current++;
            // A later value the repository does write down (in its own file at its own commit) is not in this task's context.
            foreach (var v in mention.Fact.History.Where(v => v.FromCommit > k && v.Value != mention.Current.Value))
            {
                if (!GitFile(path, g.Commits[v.FromCommit].Sha, TaskFacts.ModulePath(g, v.Module)).Contains(v.Value, StringComparison.Ordinal)) continue;
                if (text.Contains(v.Value, StringComparison.Ordinal)) continue;   // the same line can come back (a value changed back)
                Assert.DoesNotContain(v.Value, look.Context);
                later++;
            }
            Assert.Equal(look.Context!.Contains(t.Target.Trim(), StringComparison.Ordinal), look.TargetVisible);
        }
        Assert.True(files > 10 && current > 0 && later > 0, $"{files} files, {current} current values, {later} later values checked");
        Assert.Equal(0, oracle.Coverage.Tasks);   // Lookup alone does not count coverage; ContextFor does
    }

    [Fact]
    public void A_file_longer_than_the_room_keeps_the_lines_around_the_definition_within_the_budget()
    {
        var genomes = ForgeFairness.Genomes(fx.Inputs);
        var oracle = new OracleContext(genomes, new ByteTokenizer(), new CompletionSettings());
        var lines = Enumerable.Range(0, 60).Select(i => $"FILLER_{i:D2} = {i}").ToList();
        lines.Insert(40, "ZQ_STATION_PORT = 8431");
        var text = string.Join("\n", lines) + "\n";
        var (context, whole) = oracle.Fit("# pkg/config.py\n", text, "ZQ_STATION_PORT", budget: 200);
        Assert.False(whole);
        Assert.NotNull(context);
        Assert.True(context.Length <= 200, $"{context.Length} bytes");
        Assert.Contains("ZQ_STATION_PORT = 8431\n", context);
        Assert.StartsWith("# pkg/config.py\n", context);
        Assert.Contains("FILLER_40 = 40", context);                      // grown on both sides of the definition
        Assert.Contains("FILLER_39 = 39", context);
        Assert.DoesNotContain("FILLER_00", context);
        Assert.Null(oracle.Fit("# pkg/config.py\n", text, "ZQ_STATION_PORT", budget: 20).Context);   // not even the definition fits
        Assert.Equal(40, OracleContext.DefinitionLine(lines, "ZQ_STATION_PORT"));
        Assert.Equal(2, OracleContext.DefinitionLine(["import os", "", "def zq_fmt(x):", "    return ZQ_FMT"], "zq_fmt"));
    }

    [Fact]
    public void The_stale_pairing_takes_the_previous_kept_commit_and_only_tasks_whose_fact_changed_since()
    {
        var genomes = ForgeFairness.Genomes(fx.Inputs);
        var tasks = fx.Bench.EvolutionTasks;
        var stale = ForgeFairness.StaleTasks(fx.Bench.Commits, genomes, tasks);
        var kept = fx.Bench.Commits.GroupBy(c => c.RepoId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.CommitIndex).Select(c => c.CommitSha).ToList());
        var chosen = stale.Select(s => s.Task).ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.True(stale.Count > 0 && stale.Count < tasks.Count(t => t.TaskKind == TaskKindLabeler.RepoSpecific));
        foreach (var t in tasks)
        {
            var history = kept[t.RepoId];
            var at = history.IndexOf(t.CommitSha);
            Assert.True(at >= 0);
            var g = genomes[t.RepoId].Genome;
            var k = TaskFacts.CommitIndexOf(g, t.CommitSha);
            // Independently of TaskFacts.ChangedSince: a fact the target names through its state at k, whose state at the previous kept commit was another range.
            var changed = at > 0 && g.Facts.Any(f =>
            {
                var now = f.At(k);
                var before = f.At(TaskFacts.CommitIndexOf(g, history[at - 1]));
                return now is not null && before is not null && before.FromCommit != now.FromCommit && now.Surfaces.Any(s => TaskKindLabeler.Mentions(t.Target, s));
            });
            Assert.True(changed == chosen.Contains(t), $"{t.RepoId}@{t.CommitSha[..7]} {t.Target}: changed {changed}");
        }
        foreach (var s in stale)
        {
            var history = kept[s.Task.RepoId];
            Assert.Equal(history[history.IndexOf(s.Task.CommitSha) - 1], s.PreviousSha);         // k−1 is the previous kept commit
            Assert.Equal(TaskKindLabeler.RepoSpecific, s.Task.TaskKind);
        }
        Assert.Contains(stale, s => s.NewSurface);
    }

    [Fact]
    public async Task A_benchmark_without_forged_repositories_is_refused_before_any_model_loads()
    {
        var experiment = await EvoExperiment.OpenAsync(EvoExperimentConfig.Smoke, fx.BenchDir, fx.NewDir("run"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ForgeFairness.RunAsync(experiment, fx.Store, null, [], Settings, fx.NewDir("results"), "test"));
        Assert.Contains("not forged", e.Message);
    }

    private static readonly PerRepoLoraSettings Settings = new(4, 1, new TrainingConfig { Steps = 1, LearningRate = 1e-2, CheckpointEvery = 0, EvalEvery = 0 });

    [Fact]
    public async Task The_checks_run_end_to_end_and_write_their_verdicts()
    {
        var config = EvoExperimentConfig.Smoke with
        {
            MaxTokens = 48, ContextPromptTokens = 96, MaxNewTokens = 4, EvalTasksPerSplit = 6, ValidationExamples = 2, BatchSize = 4,
            Training = EvoExperimentConfig.Smoke.Training with { CheckpointEvery = 0, EvalEvery = 0 },
        };
        var experiment = await EvoExperiment.OpenAsync(config, fx.BenchDir, fx.NewDir("run"));
        var lm = experiment.LoadBase();
        Assert.True(experiment.TrainSingleLora(lm, 0.05, new TrainingConfig { Steps = 1, LearningRate = 1e-3, CheckpointEvery = 0, EvalEvery = 0 }).Completed);
        // An untrained Evo (the run checks plumbing, not learning): its GRU reads the fixture's 16-wide vectors.
        torch.manual_seed(3);
        EvoFiles.Save(experiment.EvoDirectory, new CommitGru(config.Gru(ForgeChecksFixture.Dim)), new Code2LoraHead(config.Head(), lm.Config), fx.Store.EncoderId);
        var results = fx.NewDir("results");
        var summary = await ForgeFairness.RunAsync(experiment, fx.Store, null, fx.Inputs, Settings, results, "c2l eval forge-checks (test)");

        Assert.Equal([1, 2, 3, 4], summary.Checks.Select(c => c.Number));
        Assert.All(summary.Checks, c => Assert.Contains(c.Verdict, new[] { FairnessVerdict.Holds, FairnessVerdict.Fails, FairnessVerdict.NotTestable }));
        var scored = EvoEvaluation.ScoredTasks(experiment);
        var specific = ForgeFairness.OfKind(scored, TaskKindLabeler.RepoSpecific);
        var oracle = summary.Checks[1];
        Assert.Equal(specific[SplitNames.CrTest].Count, oracle.Counts["cr_test tasks"]);
        Assert.Equal(["oracle-pretrained", "oracle-single-lora", "pretrained", "single-lora"], oracle.Methods.Keys.Order());
        Assert.Contains(oracle.Comparisons, c => c.A == "oracle-pretrained" && c.B == "pretrained" && c.Tasks == specific[c.Split].Count);
        var perRepo = summary.Checks[2];
        var irRepos = specific[SplitNames.IrTest].Select(t => t.RepoId).Distinct().ToList();
        Assert.All(irRepos, r => Assert.True(EvoPerRepoLora.Has(experiment, Settings, r)));
        Assert.Equal(specific[SplitNames.IrTest].Count, Assert.Single(perRepo.Comparisons).Tasks);
        var stale = summary.Checks[3];
        var pairs = ForgeFairness.StaleTasks(experiment.Bench.Commits, ForgeFairness.Genomes(fx.Inputs), ForgeFairness.TestTasks(experiment).Values.SelectMany(v => v));
        Assert.Equal(pairs.Count, EvoEvaluation.Splits.Sum(s => stale.Counts[$"{s} fact changed since the previous kept commit"]));
        if (pairs.Count > 0) Assert.Contains(stale.Comparisons, c => c.A == "code2lora-evo-stale" && c.B == "code2lora-evo");
        else Assert.Equal(FairnessVerdict.NotTestable, stale.Verdict);

        var md = File.ReadAllText(Path.Combine(results, "fairness.md"));
        foreach (var c in summary.Checks) Assert.Contains($"## {c.Number}. {c.Name}: {c.Verdict}", md);
        Assert.Contains("Criterion: An oracle context scores high", md);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(results, "fairness.json")))!;
        Assert.Equal(4, json["checks"]!.AsArray().Count);
        Assert.True(File.Exists(Path.Combine(results, "fairness.run.json")));
    }
}
