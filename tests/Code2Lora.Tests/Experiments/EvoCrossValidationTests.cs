using Code2Lora.Bench;
using Code2Lora.Experiments;
using Code2Lora.Training;

namespace Code2Lora.Tests.Experiments;

/// <summary>k-fold cross-validation over the evolution track's histories (c2l eval crossval-evo), on a small forge of 4 histories.</summary>
[Collection("Torch")]   // training seeds torch's global RNG
public sealed class EvoCrossValidationTests(ForgeChecksFixture fx) : IClassFixture<ForgeChecksFixture>
{
    [Fact]
    public void A_fold_holds_out_whole_histories_and_trains_on_the_others_without_changing_the_benchmark()
    {
        var before = fx.Bench.Commits.Select(c => c.CrossRepoSplit).ToList();
        var heldOut = new[] { fx.Bench.EvolutionRepos[0].RepoId };
        var fold = EvoCrossValidation.FoldBench(fx.Bench, heldOut);

        Assert.All(fold.EvolutionTasks.Where(t => heldOut.Contains(t.RepoId)), t => Assert.Equal(SplitNames.CrTest, t.Split));
        Assert.All(fold.Commits, c => Assert.Equal(heldOut.Contains(c.RepoId) ? SplitNames.CrTest : SplitNames.Train, c.CrossRepoSplit));
        var inRepo = fx.Bench.Commits.ToDictionary(c => (c.RepoId, c.CommitSha), c => c.InRepoSplit);
        foreach (var t in fold.EvolutionTasks.Where(t => !heldOut.Contains(t.RepoId)))
            Assert.Equal(inRepo[(t.RepoId, t.CommitSha)] == SplitNames.InRepoVal ? SplitNames.CrVal : SplitNames.Train, t.Split);
        Assert.Equal(fx.Bench.EvolutionTasks.Count, fold.EvolutionTasks.Count);
        Assert.Empty(fold.StaticTasks);
        Assert.Equal(before, fx.Bench.Commits.Select(c => c.CrossRepoSplit));     // the shared rows are copied, not relabelled in place
    }

    [Fact]
    public async Task Every_history_is_scored_once_by_the_fold_that_held_it_out()
    {
        var config = EvoExperimentConfig.Smoke with
        {
            MaxTokens = 48, MaxNewTokens = 4, ValidationExamples = 2, BatchSize = 4, Epochs = 0.02,
            Training = EvoExperimentConfig.Smoke.Training with { CheckpointEvery = 0, EvalEvery = 0 },
        };
        var experiment = await EvoExperiment.OpenAsync(config, fx.BenchDir, fx.NewDir("run"));
        var results = fx.NewDir("crossval");
        var summary = await EvoCrossValidation.RunAsync(experiment, fx.Store, 0.05, new TrainingConfig { Steps = 1, LearningRate = 1e-3, CheckpointEvery = 0, EvalEvery = 0 },
            k: 2, results, "test");

        Assert.Equal("evolution", summary.Track);
        var repos = fx.Bench.EvolutionTasks.Select(t => t.RepoId).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(repos, summary.Folds.SelectMany(f => f.Repos).Order(StringComparer.Ordinal));
        // Every held-out commit's first EvalTasksPerCommit tasks, as the evaluation scores them.
        var scorable = fx.Bench.EvolutionTasks.GroupBy(t => (t.RepoId, t.CommitSha)).Sum(g => Math.Min(g.Count(), config.EvalTasksPerCommit));
        Assert.Equal(scorable, summary.Folds.Sum(f => f.Tasks));
        Assert.Equal(["pretrained", "single-lora", "code2lora-evo", "frozen-state"], summary.Methods.Keys);
        Assert.All(summary.Methods.Values.Concat(summary.Trivial.Values), m => Assert.Equal((scorable, 0), (m.NCr, m.NIr)));
        var primary = summary.Comparisons.First();
        Assert.Equal(("code2lora-evo", "single-lora", SplitNames.CrTest), (primary.A, primary.B, primary.Split));
        Assert.Equal(repos.Count, primary.Nll!.Repos);
        var inRepo = fx.Bench.Commits.ToDictionary(c => (c.RepoId, c.CommitSha), c => c.InRepoSplit);
        foreach (var f in summary.Folds)
            Assert.Equal(fx.Bench.EvolutionTasks.Count(t => !f.Repos.Contains(t.RepoId) && inRepo[(t.RepoId, t.CommitSha)] != SplitNames.InRepoVal), f.TrainTasks);
        var markdown = File.ReadAllText(Path.Combine(results, "summary.md"));
        Assert.Contains($"# Evolution track (smoke preset): 2-fold cross-validation over {repos.Count} repositories", markdown);
    }
}
