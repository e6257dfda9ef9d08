using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Experiments;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;

namespace Code2Lora.Tests.Evo;

/// <summary>The Evo recipe on a forge evolution track: the walk order, truncated BPTT windows, learning, resume = continuous,
/// and the evaluation walk (full histories, only target commits, ≤ 8 tasks each).</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class EvoRecipeTests(EvoBenchFixture bench) : IClassFixture<EvoBenchFixture>
{
    private static readonly ByteTokenizer Tokenizer = new();
    private static readonly TrainingConfig Base = new() { Steps = 8, LearningRate = 1e-2, WarmupRatio = 0.1, MaxGradNorm = 1.0, CheckpointEvery = 2, EvalEvery = 0 };

    private sealed class Sync<T>(Action<T> act) : IProgress<T> { public void Report(T value) => act(value); }

    /// <summary>A 1-layer byte-level LM, the GRU and head, and the recipe over the bench's training repositories.</summary>
    private (DecoderLM Model, CommitGru Gru, Code2LoraHead Head, EvoRecipe Recipe) Build(int seed, int window = 16)
    {
        torch.manual_seed(1);                                    // the frozen base is the same in every run
        var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2") with { VocabSize = 257, NumHiddenLayers = 1 });
        model.eval();
        using (torch.no_grad()) model.Backbone.EmbeddingWeight.mul_(10);   // as StaticRecipeTests: let an adapter make confident logits
        var lora = new LoraConfig { Rank = 2, Alpha = 4, DetachInput = true };
        var slots = LoraSlots.Install(model, lora);
        torch.manual_seed(seed);
        var gru = new CommitGru(new CommitGruConfig { DiffDim = EvoBenchFixture.Dim, StateDim = EvoBenchFixture.Dim, HiddenDim = 8 });
        var head = new Code2LoraHead(new Code2LoraHeadConfig { InputDim = 8, HiddenDim = 16, Lora = lora, InitLogScale = -1.0 }, model.Config);
        var rows = bench.Bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train).ToList();
        var examples = CompletionExamples.Build(rows, Tokenizer, maxTokens: 48);
        var byCommit = examples.GroupBy(e => (e.RepoId, e.CommitSha)).ToDictionary(g => g.Key, g => (IReadOnlyList<CompletionExample>)g.ToList());
        var train = bench.Histories.Where(h => h.CrossRepoSplit == SplitNames.Train).ToList();
        var settings = new EvoWalkSettings { MaxTasksPerUpdate = 3, BpttWindow = window, Seed = 11, PadId = 256, EvalBatchSize = 8 };
        // The held-out loss here is on the first training commits' tasks: the test is whether the walk can fit them.
        var validation = examples.Take(24).ToList();
        return (model, gru, head, new EvoRecipe(slots, gru, head, train, byCommit, settings, validation, train));
    }

    [Fact]
    public void The_schedule_visits_every_update_commit_once_per_epoch_in_a_seeded_repository_order()
    {
        var (_, _, _, recipe) = Build(1);
        var s = recipe.Schedule;
        var epoch0 = Enumerable.Range(0, s.UpdatesPerEpoch).Select(s.At).ToList();
        Assert.Equal(s.UpdatesPerEpoch, epoch0.Select(a => (a.Repo.RepoId, a.Position)).Distinct().Count());
        foreach (var repo in epoch0.GroupBy(a => a.Repo.RepoId))
        {
            var positions = repo.Select(a => a.Position).ToList();
            Assert.Equal(positions.Order(), positions);                                     // oldest first
            Assert.Equal([-1, .. positions.SkipLast(1)], repo.Select(a => a.PreviousUpdate));
        }
        Assert.Equal(epoch0.Select(a => a.Position), Enumerable.Range(0, s.UpdatesPerEpoch).Select(i => Build(1).Recipe.Schedule.At(i).Position));
        Assert.Equal(1, s.At(s.UpdatesPerEpoch).Epoch);
        // Windows: detach after each update, then every `window` steps without one.
        Assert.Equal(-1, EvoSchedule.WindowStart(position: 5, previousUpdate: -1, window: 16));   // h₀ stays in the graph
        Assert.Equal(3, EvoSchedule.WindowStart(position: 9, previousUpdate: 3, window: 16));
        Assert.Equal(15, EvoSchedule.WindowStart(position: 20, previousUpdate: -1, window: 16));  // detached after 16 steps
        Assert.Equal(7, EvoSchedule.WindowStart(position: 8, previousUpdate: 3, window: 2));
    }

    [Fact]
    public void Training_lowers_the_held_out_loss_and_reaches_the_gru()
    {
        var (_, gru, _, recipe) = Build(2);
        var before = recipe.Evaluate(0)["val_loss"];
        var initial = gru.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var config = Base with { Steps = 3 * recipe.Schedule.UpdatesPerEpoch, CheckpointEvery = 0, EvalEvery = 0 };
        var result = new Trainer(config, bench.NewDir(), "evo-test").Run(recipe);
        var after = result.LastEval.Count > 0 ? result.LastEval["val_loss"] : recipe.Evaluate(config.Steps)["val_loss"];
        Assert.True(after < before - 0.5, $"held-out loss {before:F3} -> {after:F3}");
        foreach (var name in new[] { "gru.weight_hh_l0", "diff_proj.0.weight", "repo_init_proj.0.weight" })
        {
            var now = gru.named_parameters().Single(p => p.name == name).parameter;
            Assert.True((now - initial[name]).abs().max().item<float>() > 0, $"{name} never changed");
        }
    }

    [Fact]
    public void Resumed_run_equals_continuous_run_bit_for_bit()
    {
        var config = Base with { Steps = 10 };
        var (_, gruA, headA, continuous) = Build(3, window: 2);
        Assert.True(config.Steps > continuous.Schedule.UpdatesPerEpoch / 2);
        var dirA = bench.NewDir();
        new Trainer(config, dirA, "evo-test").Run(continuous);

        var dirB = bench.NewDir();
        using var cancel = new CancellationTokenSource();
        var (_, _, _, first) = Build(3, window: 2);
        var stopped = new Trainer(config, dirB, "evo-test").Run(first, new Sync<TrainingProgress>(p => { if (p.Step == 5) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(5, stopped.Step);
        var (_, gruB, headB, second) = Build(99, window: 2);                       // other initial weights: the checkpoint must win
        var resumed = new Trainer(config, dirB, "evo-test").Run(second);
        Assert.Equal(5, resumed.ResumedFrom);
        foreach (var ((name, a), (_, b)) in gruA.named_parameters().Concat(headA.named_parameters()).Zip(gruB.named_parameters().Concat(headB.named_parameters())))
            Assert.True((a - b).abs().max().item<float>() == 0f, $"{name} differs after resume");
        var logA = TrainingLog.Read(Path.Combine(dirA, "metrics.jsonl")).Where(r => r.Kind == "train").Select(r => (r.Step, r.Loss)).ToList();
        var logB = TrainingLog.Read(Path.Combine(dirB, "metrics.jsonl")).Where(r => r.Kind == "train").Select(r => (r.Step, r.Loss)).ToList();
        Assert.Equal(logA, logB);
    }

    [Fact]
    public void The_walk_carries_h_so_an_epoch_steps_each_commit_without_gradient_at_most_once()
    {
        var (_, _, _, recipe) = Build(5, window: 2);
        var s = recipe.Schedule;
        new Trainer(Base with { Steps = s.UpdatesPerEpoch, CheckpointEvery = 0 }, bench.NewDir(), "evo-test").Run(recipe);
        var commits = bench.Histories.Where(h => h.CrossRepoSplit == SplitNames.Train).Sum(h => h.Commits.Count);
        // Replaying from h₀ for every update would step the prefix before each window again: quadratic in a repository's updates.
        var replayed = Enumerable.Range(0, s.UpdatesPerEpoch).Select(s.At).Sum(a => (long)EvoSchedule.WindowStart(a.Position, a.PreviousUpdate, 2) + 1);
        Assert.True(recipe.ReplayedSteps <= commits, $"{recipe.ReplayedSteps} steps without gradient for {commits} commits");
        Assert.True(recipe.ReplayedSteps < replayed, $"carried {recipe.ReplayedSteps} vs replayed {replayed}");
    }

    [Fact]
    public void The_frozen_state_walk_never_moves_h_and_the_full_walk_steps_every_commit()
    {
        var (_, gru, _, _) = Build(4);
        var history = bench.Histories.MaxBy(h => h.Commits.Count)!;
        var frozen = HistoryWalk.Contexts(gru, history, torch.CPU, frozen: true);
        var full = HistoryWalk.Contexts(gru, history, torch.CPU);
        Assert.Equal(0, frozen.Steps);
        Assert.Equal(history.Commits.Count, full.Steps);
        Assert.All(frozen.Contexts, c => Assert.Equal(frozen.Contexts[0], c));
        using (torch.no_grad())
        using (var h0 = gru.Context(gru.InitialState(HistoryWalk.Row(history.InitialState, torch.CPU))))
            Assert.Equal(h0.data<float>().ToArray(), frozen.Contexts[0]);
        Assert.NotEqual(full.Contexts[0], full.Contexts[^1]);
        // Shuffled history: every repository walks another repository's commits.
        var shuffled = HistoryWalk.ShuffledInputs(gru.Config, bench.Histories, seed: 1);
        foreach (var h in bench.Histories)
            Assert.NotEqual(HistoryWalk.OwnInputs(gru.Config, h)[0], shuffled[h.RepoId][0]);
    }

    [Fact]
    public async Task Evaluation_walks_whole_histories_but_scores_only_target_commits_on_at_most_8_tasks()
    {
        var config = EvoExperimentConfig.Smoke with { EvalTasksPerSplit = 0 };
        var experiment = await EvoExperiment.OpenAsync(config, bench.BenchDir, bench.NewDir());
        var splits = EvoEvaluation.ScoredTasks(experiment);
        var (_, gru, _, _) = Build(5);
        foreach (var split in EvoEvaluation.Splits)
        {
            var tasks = splits[split];
            Assert.NotEmpty(tasks);
            var repos = tasks.Select(t => t.RepoId).Distinct().Select(r => bench.Histories.Single(h => h.RepoId == r)).ToList();
            var contexts = EvoEvaluation.Walk(gru, repos, torch.CPU, frozen: false, inputs: null, out var steps);
            foreach (var h in repos)
            {
                Assert.Equal(h.Commits.Count, steps[h.RepoId]);                                          // the whole history
                Assert.All(h.Commits, c => Assert.True(contexts.ContainsKey((h.RepoId, c.Sha))));
            }
            var perCommit = tasks.GroupBy(t => (t.RepoId, t.CommitSha)).ToList();
            Assert.All(perCommit, g => Assert.InRange(g.Count(), 1, 8));
            var inSplit = bench.Bench.EvolutionTasks.Where(t => t.Split == split).GroupBy(t => (t.RepoId, t.CommitSha)).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(inSplit.Count, perCommit.Count);                                                // every target commit, no other
            foreach (var g in perCommit)                                                                 // its first tasks, in order
                Assert.Equal(inSplit[g.Key].Take(8).Select(t => t.AssertionEventId), g.Select(t => t.AssertionEventId));
            var scoredCommits = perCommit.Select(g => g.Key).ToHashSet();
            Assert.True(repos.Sum(h => h.Commits.Count) >= scoredCommits.Count);
            if (split == SplitNames.IrTest)                                                              // IR: the last in-repo commits only
                Assert.All(scoredCommits, k => Assert.Equal(SplitNames.InRepoTest, bench.Histories.Single(h => h.RepoId == k.RepoId).Commits.Single(c => c.Sha == k.CommitSha).InRepoSplit));
        }
    }
}
