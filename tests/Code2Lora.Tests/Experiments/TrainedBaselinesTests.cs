using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Experiments;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Experiments;

/// <summary>The static track's trained baselines end to end on a tiny synthetic benchmark: per-repo LoRA (one adapter per in-repo
/// repository, finished ones skipped, IR-only evaluation with each row's own adapter), full fine-tuning (a loadable model that
/// differs from the base), Text2LoRA, and the evaluation that scores them.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class TrainedBaselinesTests(BaselineBench bench) : IClassFixture<BaselineBench>
{
    private StaticExperiment Experiment => bench.Experiment;

    [Fact]
    public async Task TrainRepositoriesKeepsASeededSampleOfTheTrainingRepositoriesTasksAndStates()
    {
        Assert.Equal(["org/alpha", "org/beta"], Experiment.TrainingRepositories());
        Assert.Equal(8, Experiment.TrainingTasks().Count);
        var bench1 = Experiment.BenchDirectory;
        async Task<StaticExperiment> With(int? n, int seed) =>
            await StaticExperiment.OpenAsync(BaselineBench.Config with { TrainRepositories = n, Seed = seed }, bench1, Path.Combine(bench.Root, $"run-{n}-{seed}"));
        var picks = new HashSet<string>();
        foreach (var seed in Enumerable.Range(1, 8))
        {
            var one = await With(1, seed);
            var repo = Assert.Single(one.TrainingRepositories());
            picks.Add(repo);
            Assert.All(one.TrainingTasks(), t => Assert.Equal(repo, t.RepoId));
            Assert.Equal(4, one.TrainingTasks().Count);
            Assert.Equal([(repo, repo == "org/alpha" ? "a1" : "b1")], one.TrainStates());
            Assert.Equal(one.TrainingRepositories(), (await With(1, seed)).TrainingRepositories());   // the same seed draws the same
        }
        Assert.Equal(2, picks.Count);                                                   // seeds draw different repositories
        Assert.Equal(Experiment.TrainingTasks().Select(t => (t.RepoId, t.Prefix)), (await With(2, 3407)).TrainingTasks().Select(t => (t.RepoId, t.Prefix)));
        Assert.Contains("train_repositories is 3", Assert.Throws<ArgumentException>(() => (With(3, 1).GetAwaiter().GetResult()).TrainingTasks()).Message);
    }

    [Fact]
    public void PerRepoLoraTrainsOneAdapterPerInRepoRepositoryAndSkipsFinishedOnes()
    {
        var first = bench.PerRepo;
        Assert.Equal((2, 2, 0, true), (first.Repos, first.Trained, first.Skipped, first.Completed));
        Assert.Equal(["org/alpha", "org/beta"], Experiment.InRepoRepositories);
        Assert.True(File.Exists(Path.Combine(Experiment.PerRepoLoraRoot, "org__alpha", PeftAdapterFiles.WeightsFile)));
        Assert.False(Experiment.HasPerRepoLora("org/gamma"));                       // cross-repo: no adapter, by design
        // PEFT and vLLM find the base through base_model_name_or_path: the shipped model has no Hub id, so its full path.
        var adapterConfig = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Experiment.PerRepoLoraRoot, "org__alpha", PeftAdapterFiles.ConfigFile)))!;
        Assert.Equal(Path.GetFullPath(FrozenBase.Locate(BaselineBench.Config.BaseModel)), adapterConfig["base_model_name_or_path"]!.GetValue<string>());
        var timings = PerRepoLoraFiles.ReadTimings(Experiment.PerRepoLoraTimingsFile);
        Assert.Equal(["org/alpha", "org/beta"], timings.Keys.Order());
        Assert.All(timings.Values, t => Assert.True(t is { Steps: 4, Examples: 4, Seconds: > 0, ValLoss: not null }, t.ToString()));

        // Its own training tasks' loss drops with the adapter in.
        var lm = Experiment.LoadBase();
        var slots = LoraSlots.Install(lm.Model, BaselineBench.Config.Lora);
        var alphaTrain = Experiment.Bench.StaticTasks.Where(t => t.RepoId == "org/alpha" && t.Split == SplitNames.Train).ToList();
        var examples = CompletionExamples.Build(alphaTrain, lm.Tokenizer, BaselineBench.Config.MaxTokens);
        double Loss() => CompletionBatches.MeanLoss(examples, 4, 0, _ => { }, lm.Model);
        var before = Loss();
        using (var alpha = PeftAdapterFiles.Load(Experiment.PerRepoLoraDirectory("org/alpha"), lm.Config, lm.Model.Device, BaselineBench.Config.Lora))
        {
            slots.Use(alpha);
            var after = Loss();
            Assert.True(after < 0.8 * before, $"alpha's train loss {before:F3} → {after:F3}");
        }

        // A re-run skips both; after deleting one, only that one trains again, from the same start to the same adapter.
        var alphaFile = Path.Combine(Experiment.PerRepoLoraDirectory("org/alpha"), PeftAdapterFiles.WeightsFile);
        var stamp = File.GetLastWriteTimeUtc(alphaFile);
        Assert.Equal((0, 2, true), (Experiment.TrainPerRepoLora(Experiment.LoadBase()) is var again ? (again.Trained, again.Skipped, again.Completed) : default));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(alphaFile));
        var betaDir = Experiment.PerRepoLoraDirectory("org/beta");
        var oldBeta = SafeTensors.Load(Path.Combine(betaDir, PeftAdapterFiles.WeightsFile));
        Directory.Delete(betaDir, recursive: true);
        // Another live process's claim on beta (docs/sharding.md, "Claims"): skipped, never trained twice.
        using (var other = Code2Lora.Runtime.WorkClaim.TryClaim(Path.Combine(Experiment.PerRepoLoraRoot, ".claims"), "org/beta", "another trainer"))
        {
            Assert.NotNull(other);
            var claimed = Experiment.TrainPerRepoLora(Experiment.LoadBase());
            Assert.Equal((0, 2), (claimed.Trained, claimed.Skipped));
            Assert.False(Experiment.HasPerRepoLora("org/beta"));
        }
        // A shard without beta trains nothing; beta's shard trains beta alone.
        var betaShard = Shard.Of("org/beta", 3);
        Assert.Equal(0, Experiment.TrainPerRepoLora(Experiment.LoadBase(), shard: new Shard(betaShard % 3 + 1, 3)).Trained);
        var third = Experiment.TrainPerRepoLora(Experiment.LoadBase(), shard: new Shard(betaShard, 3));
        Assert.Equal((1, Shard.Of("org/alpha", 3) == betaShard ? 1 : 0, true), (third.Trained, third.Skipped, third.Completed));
        Assert.Empty(Directory.GetFiles(Path.Combine(Experiment.PerRepoLoraRoot, ".claims")));   // claims are released
        Assert.Equal(2, PerRepoLoraFiles.ReadTimings(Experiment.PerRepoLoraTimingsFile).Count);
        var newBeta = SafeTensors.Load(Path.Combine(betaDir, PeftAdapterFiles.WeightsFile));
        Assert.All(oldBeta, kv => Assert.True(kv.Value.allclose(newBeta[kv.Key], rtol: 1e-4, atol: 1e-6), kv.Key));
    }

    [Fact]
    public void PerRepoMethodGivesEachRowItsOwnRepositorysAdapterAndRefusesCrossRepoRows()
    {
        _ = bench.PerRepo;
        var lm = Experiment.LoadBase();
        var slots = LoraSlots.Install(lm.Model, BaselineBench.Config.Lora);
        var adapters = Experiment.LoadPerRepoLoras(["org/alpha", "org/beta", "org/gamma"], lm.Config, lm.Model.Device);
        Assert.Equal(["org/alpha", "org/beta"], adapters.Keys.Order());
        using var method = new PerRepoAdapterMethod("per-repo-lora", slots, adapters);
        var rows = new[] { "org/beta", "org/alpha", "org/beta" };
        method.BeforeBatch(rows.Select((r, i) => BaselineBench.Row(r, "x", SplitNames.IrTest, i, "1")).ToList());
        foreach (var type in BaselineBench.Config.Lora.SortedTargets)
            for (var layer = 0; layer < lm.Config.NumHiddenLayers; layer++)
            {
                var installed = slots[layer, type].Weights!;
                Assert.Equal(new long[] { 3, BaselineBench.Config.Lora.Rank, LoraTargets.Dims(lm.Config, type).In }, installed.A.shape);
                for (var row = 0; row < rows.Length; row++)
                {
                    var own = adapters[rows[row]].Pair(layer, type);
                    Assert.True(installed.A[row].equal(own.A).all().item<bool>() && installed.B[row].equal(own.B).all().item<bool>(), $"row {row} {layer} {type}");
                }
            }
        // The two repositories' adapters really differ, so the row check above could fail.
        Assert.False(adapters["org/alpha"].Pair(0, "q_proj").B.allclose(adapters["org/beta"].Pair(0, "q_proj").B));
        var cr = BaselineBench.Row("org/gamma", "g1", SplitNames.CrTest, 0, "1");
        Assert.Contains("in-repo (IR) only", Assert.Throws<InvalidOperationException>(() => method.BeforeBatch([cr])).Message);
    }

    [Fact]
    public void FullFineTuningWritesALoadableModelWhoseLogitsDifferFromTheBase()
    {
        Assert.True(bench.Fft.Completed);
        Assert.Equal(4, bench.Fft.Step);                                            // 8 training tasks, batch 2, 1 epoch
        var tuned = Experiment.LoadFullFineTune();
        var base_ = Experiment.LoadBase();
        Assert.Equal(base_.Config, tuned.Config);
        Assert.Equal("models/tiny-python-lm", tuned.Metadata["c2l_fft_base"]);
        using var noGrad = torch.no_grad();
        using var ids = torch.tensor(base_.Tokenizer.Encode("assert settings.VERSION == '1.7'").Select(i => (long)i).ToArray()).unsqueeze(0);
        using var a = base_.Model.Forward(ids);
        using var b = tuned.Model.Forward(ids);
        Assert.True((a - b).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Text2LoraHeadIsSavedAndLoadsForTheSameVectorsOnly()
    {
        Assert.True(bench.Text2Lora.Completed);
        var lm = Experiment.LoadBase();
        using var head = Experiment.LoadText2Lora(lm, bench.Contexts.EncoderId, bench.Contexts.Dimension);
        Assert.Equal(BaselineBench.Config.Text2Lora(16), head.Config);
        Assert.Contains("c2l train t2l", Assert.Throws<InvalidOperationException>(() => Experiment.LoadText2Lora(lm, "other-encoder", 16)).Message);
    }

    [Fact]
    public async Task EvaluationScoresEveryTrainedBaselineAndPerRepoLoraOnInRepoTasksOnly()
    {
        _ = (bench.PerRepo, bench.Fft, bench.Text2Lora);
        var results = Path.Combine(bench.Root, "results");
        var notes = new List<string>();
        var summary = await StaticEvaluation.RunAsync(Experiment, bench.Contexts, results, "test", note: notes.Add);
        Assert.Equal(["pretrained", "fft", "per-repo-lora", "t2l"], summary.Methods.Keys);
        Assert.Equal([TrivialBaselines.MostFrequentName, TrivialBaselines.CopyName], summary.Trivial.Keys);
        // Training targets: '1.7' and '9.2' four times each; the tie goes to '1.7', alpha's answer on half of the IR-test tasks.
        Assert.Equal((0.0, 50.0), (summary.Trivial[TrivialBaselines.MostFrequentName].CrEm, summary.Trivial[TrivialBaselines.MostFrequentName].IrEm));
        Assert.All(summary.Trivial.Values, t => Assert.Null(t.IrNll));
        Assert.All(summary.Methods.Values, m => Assert.NotNull(m.IrNll));
        Assert.True(summary.Methods["fft"].CrNll < summary.Methods["pretrained"].CrNll);        // fine-tuning on the same prefixes lowers the target NLL
        Assert.Equal(["rag, drc, fft-rag: no repository inputs given, skipped.",
            "single-lora: not trained, skipped (run: c2l train slora --preset smoke).",
            "code2lora-static: not trained, skipped (run: c2l train static --preset smoke)."], notes);
        var perRepo = summary.Methods["per-repo-lora"];
        Assert.Equal((null, null, 0, 4), (perRepo.CrEm, perRepo.CrEs, perRepo.NCr, perRepo.NIr));
        Assert.Equal((4, 4), (summary.Methods["fft"].NCr, summary.Methods["t2l"].NIr));
        Assert.False(File.Exists(Path.Combine(results, "predictions", "per-repo-lora", "cr_test.parquet")));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(results, "summary.json")))!["methods"]!["per-repo-lora"]!.AsObject();
        Assert.True(json.ContainsKey("cr_em") && json["cr_em"] is null);            // written as null, not left out
        Assert.Contains("| per-repo-lora | — | — | — |", File.ReadAllText(Path.Combine(results, "summary.md")));

        // A second evaluation decodes nothing: the same weights, settings and tasks reuse the saved predictions.
        notes.Clear();
        var again = await StaticEvaluation.RunAsync(Experiment, bench.Contexts, results, "test", note: notes.Add);
        Assert.Equal(["pretrained", "fft", "per-repo-lora", "t2l"], notes.Where(n => n.EndsWith("predictions reused (same weights, settings and tasks).")).Select(n => n.Split(':')[0]));
        Assert.Equal(JsonSerializer.Serialize(summary.Methods), JsonSerializer.Serialize(again.Methods));
    }

    [Fact]
    public void ComparisonsAgainstPerRepoLoraAreInRepoOnly()
    {
        static IReadOnlyList<PredictionRow> Rows(params bool[] em) => em.Select((e, i) => new PredictionRow { TaskIndex = i, ExactMatch = e }).ToList();
        var both = new Dictionary<string, IReadOnlyList<PredictionRow>> { ["cr_test"] = Rows(true, true), ["ir_test"] = Rows(true, false) };
        var scored = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>
        {
            ["code2lora-static"] = both, ["fft"] = both, ["t2l"] = both,
            ["per-repo-lora"] = new Dictionary<string, IReadOnlyList<PredictionRow>> { ["ir_test"] = Rows(false, false) },
        };
        var comparisons = Comparison.All(scored, StaticEvaluation.ComparedPairs, [SplitNames.CrTest, SplitNames.IrTest], seed: 1);
        Assert.Equal(["fft cr_test", "fft ir_test", "per-repo-lora ir_test", "t2l cr_test", "t2l ir_test"], comparisons.Select(c => $"{c.B} {c.Split}"));
        var perRepo = comparisons.Single(c => c.B == "per-repo-lora");
        Assert.Equal(50.0, perRepo.Em.Difference);
        Assert.Equal((1, 0, 1.0), (perRepo.Em.McNemar!.OnlyA, perRepo.Em.McNemar.OnlyB, perRepo.Em.McNemar.P));
        Assert.Null(perRepo.Nll);                                                                // these rows carry no target NLL
    }
}
