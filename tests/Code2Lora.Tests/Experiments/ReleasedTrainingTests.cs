using Code2Lora.Bench.Released;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Hyper.Released;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Tests.Bench.Released;

namespace Code2Lora.Tests.Experiments;

/// <summary>The released data end to end on the shipped tiny LM: a smoke Static head and a smoke Evo train on imported vectors
/// alone (no encoder runs), and an authors'-format checkpoint is scored on the imported tasks.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class ReleasedTrainingTests(ReleasedWorld world) : IClassFixture<ReleasedWorld>
{
    private static readonly StaticExperimentConfig Config = BaselineBench.Config with { EvalTasksPerSplit = 0 };

    private async Task<StaticExperiment> ImportStaticAsync()
    {
        var bench = world.NewBench();
        await ReleasedImport.RunAsync(ReleasedDataset.Find(world.Dataset("code2lora-static")), bench, "test");
        return await StaticExperiment.OpenAsync(Config, bench, bench + "-run");
    }

    [Fact]
    public async Task StaticTrainsFromTheImportedVectorsWithoutTheEncoder()
    {
        var experiment = await ImportStaticAsync();
        var lm = experiment.LoadBase();
        var contexts = await experiment.ContextsAsync([], lm);     // no repositories: the vectors must come from the import
        Assert.Equal((ReleasedVectors.StaticEncoderId, 2048), (contexts.EncoderId, contexts.Dimension));

        var result = experiment.TrainStatic(lm, contexts);
        Assert.True(result.Completed);
        Assert.Equal(4, result.Step);                              // 8 training tasks in batches of 2, one epoch
        Assert.True(result.LastLoss is { } loss && double.IsFinite(loss), $"loss {result.LastLoss}");
        Assert.Equal(ReleasedVectors.StaticEncoderId, SafeTensors.ReadHeader(experiment.HeadFile).Metadata["encoder_id"]);
        using var head = experiment.LoadHead(experiment.LoadBase(), contexts.EncoderId, contexts.Dimension);
        Assert.Equal(2048, head.Config.InputDim);
        // Nothing was embedded: the store folder holds the imported vectors only (their description and one shard folder).
        var storeDir = Path.Combine(experiment.BenchDirectory, "embeddings");
        Assert.Equal([ReleasedVectors.StaticEncoderId + ".json"], Directory.GetFiles(storeDir).Select(Path.GetFileName));
        Assert.Equal([ReleasedVectors.StaticEncoderId], Directory.GetDirectories(storeDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task EvoTrainsAlongTheImportedHistories()
    {
        var bench = world.NewBench();
        await ReleasedImport.RunAsync(ReleasedDataset.Find(world.Dataset("code2lora-evo")), bench, "test");
        var config = EvoExperimentConfig.Smoke with { MaxTokens = 48, ValidationExamples = 2, Training = EvoExperimentConfig.Smoke.Training with { CheckpointEvery = 0, EvalEvery = 0 } };
        var experiment = await EvoExperiment.OpenAsync(config, bench, bench + "-run");
        var lm = experiment.LoadBase();
        var store = await experiment.VectorsAsync([], lm);
        Assert.Equal(ReleasedVectors.V2EncoderId, store.EncoderId);
        var result = experiment.TrainEvo(lm, store);
        Assert.True(result.Completed);
        Assert.True(result.Step > 0 && result.LastLoss is { } loss && double.IsFinite(loss), $"{result.Step} steps, loss {result.LastLoss}");
        Assert.True(File.Exists(Path.Combine(experiment.EvoDirectory, "evo_config.json")));
    }

    [Fact]
    public async Task AnAuthorsCheckpointIsScoredOnTheImportedTasks()
    {
        var experiment = await ImportStaticAsync();
        var contexts = await experiment.ContextsAsync([], experiment.LoadBase());
        var fixtures = Path.Combine(RepoPaths.Root, "tests", "fixtures", "released-checkpoints");
        var results = experiment.BenchDirectory + "-results";
        var summary = await CheckpointEvaluation.RunAsync(experiment, ReleasedCheckpoint.Read(Path.Combine(fixtures, "v2_static.pt")), contexts, results, "test");
        Assert.Equal(["checkpoint", "pretrained"], summary.Methods.Keys.Order(StringComparer.Ordinal));
        Assert.All(summary.Methods.Values, m => Assert.Equal((2, 4), (m.NCr, m.NIr)));
        Assert.Equal(2, summary.Comparisons.Count);
        Assert.Equal(4.0, summary.Head.Lora.Alpha);
        Assert.True(File.Exists(Path.Combine(results, "summary.md")));

        var gru = ReleasedCheckpoint.Read(Path.Combine(fixtures, "gru.pt"));
        Assert.Contains("GRU checkpoint", (await Assert.ThrowsAsync<InvalidOperationException>(() => CheckpointEvaluation.RunAsync(experiment, gru, contexts, results, "test"))).Message);
    }
}
