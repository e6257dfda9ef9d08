using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Experiments;

/// <summary>The static track end to end: repository vectors, Code2LoRA-Static and single-LoRA training, evaluation of every
/// method on the CR and IR test splits. Each step reads what the previous one wrote, so any of them can be re-run alone.</summary>
public sealed class StaticExperiment
{
    /// <summary>The configuration.</summary>
    public StaticExperimentConfig Config { get; }

    /// <summary>The benchmark folder (manifest.json, static/, evolution/, embeddings/).</summary>
    public string BenchDirectory { get; }

    /// <summary>Checkpoints, trained weights and logs (data/work/static-&lt;preset&gt; by default).</summary>
    public string RunDirectory { get; }

    /// <summary>The benchmark's rows.</summary>
    public BenchData Bench { get; }

    private StaticExperiment(StaticExperimentConfig config, string benchDir, string runDirectory, BenchData bench) =>
        (Config, BenchDirectory, RunDirectory, Bench) = (config, benchDir, runDirectory, bench);

    /// <summary>Opens an experiment over the benchmark in <paramref name="benchDir"/>.</summary>
    public static async Task<StaticExperiment> OpenAsync(StaticExperimentConfig config, string benchDir, string runDirectory) =>
        new(config, benchDir, runDirectory, await BenchData.LoadAsync(benchDir));

    /// <summary>Where the trained head and its config are written.</summary>
    public string HeadDirectory => Path.Combine(RunDirectory, "code2lora-static");

    /// <summary>The trained head's weights (metadata: the encoder id of the vectors it was trained on).</summary>
    public string HeadFile => Path.Combine(HeadDirectory, "head.safetensors");

    /// <summary>Loads the trained head (eval mode) on <paramref name="baseModel"/>'s device for vectors of encoder
    /// <paramref name="encoderId"/>; a missing head or one trained on other vectors is a clear error.</summary>
    public Code2LoraHead LoadHead(LoadedModel baseModel, string encoderId, int inputDim)
    {
        if (!File.Exists(HeadFile)) throw new InvalidOperationException($"no trained head in {HeadDirectory}; run: c2l train static --preset {Config.Name}");
        var trainedOn = SafeTensors.ReadHeader(HeadFile).Metadata.GetValueOrDefault("encoder_id");
        if (trainedOn != encoderId)
            throw new InvalidOperationException($"{HeadFile} was trained on vectors of encoder {trainedOn}, but these come from {encoderId}; retrain: c2l train static.");
        var head = new Code2LoraHead(Config.Head(inputDim), baseModel.Config, baseModel.Model.Device);
        StateDictLoader.Load(head, SafeTensors.Load(HeadFile, baseModel.Model.Device));
        head.eval();
        return head;
    }

    /// <summary>Where the single LoRA is written (PEFT layout).</summary>
    public string SingleLoraDirectory => Path.Combine(RunDirectory, "single-lora");

    /// <summary>Loads the frozen base model (a fresh copy: each method installs its own LoRA slots).</summary>
    public LoadedModel LoadBase(Device? device = null)
    {
        var loaded = ModelDirectory.Load(Path.Combine(RepoPaths.Data, Config.BaseModel), device);
        loaded.Model.eval();
        return loaded;
    }

    /// <summary>Embeds the static repositories' states with the base model (incremental) and returns the vectors.</summary>
    public async Task<RepoContexts> ContextsAsync(IReadOnlyList<RepoInput> repos, LoadedModel encoder, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancel = default)
    {
        var summary = await EmbeddingPipeline.RunAsync(BenchDirectory, repos, encoder.Model, encoder.Tokenizer, Config.Encoder, progress, cancel);
        return RepoContexts.FromStore(await EmbeddingStore.OpenAsync(EmbeddingPipeline.StoreDirectory(BenchDirectory), summary.EncoderId));
    }

    /// <summary>Trains (or resumes) Code2LoRA-Static and writes head.safetensors + head_config.json.</summary>
    public TrainingResult TrainStatic(LoadedModel baseModel, RepoContexts contexts, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var slots = LoraSlots.Install(baseModel.Model, Config.Lora with { DetachInput = true });
        torch.manual_seed(Config.Seed);
        var head = new Code2LoraHead(Config.Head(contexts.Dimension), baseModel.Config, baseModel.Model.Device);
        if (head.Config.StandardizeInput)
            using (var train = contexts.Stack(TrainStates(), baseModel.Model.Device)) head.SetInputStatistics(train);
        var (batches, validation) = Data(baseModel);
        var training = Config.StaticTraining with { Steps = batches.StepsFor(Config.StaticEpochs) };
        var recipe = new StaticRecipe(slots, head, batches, validation, contexts);
        var result = new Trainer(training, RunPath("static"), $"static/{Config.Name}/{contexts.EncoderId}").Run(recipe, progress, cancel);
        if (result.Completed)
        {
            SafeTensors.Save(HeadFile, head.state_dict().ToDictionary(),
                new Dictionary<string, string> { ["encoder_id"] = contexts.EncoderId });
            AtomicFile.WriteText(Path.Combine(HeadDirectory, "head_config.json"),
                System.Text.Json.JsonSerializer.Serialize(head.Config, Provenance.Json));
        }
        slots.Clear();
        return result;
    }

    /// <summary>Trains (or resumes) the single shared LoRA and exports it in PEFT's layout.</summary>
    public TrainingResult TrainSingleLora(LoadedModel baseModel, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var lora = Config.Lora with { DetachInput = false };
        var slots = LoraSlots.Install(baseModel.Model, lora);
        torch.manual_seed(Config.Seed);
        var adapter = new LoraAdapter(baseModel.Config, lora, baseModel.Model.Device);
        var (batches, validation) = Data(baseModel);
        var training = Config.SingleLoraTraining with { Steps = batches.StepsFor(Config.SingleLoraEpochs) };
        var result = new Trainer(training, RunPath("single-lora"), $"single-lora/{Config.Name}").Run(new SingleLoraRecipe(slots, adapter, batches, validation), progress, cancel);
        if (result.Completed) PeftAdapterFiles.Save(SingleLoraDirectory, adapter, lora, baseModel.Config, Config.BaseModel);
        return result;
    }

    /// <summary>The training repositories' states (distinct, ordered): the mean adapter and the head's input statistics come from them.</summary>
    public IReadOnlyList<(string Repo, string Sha)> TrainStates() =>
        Bench.StaticTasks.Where(t => t.Split == SplitNames.Train).Select(t => (t.RepoId, t.CommitSha)).Distinct()
            .OrderBy(s => s.RepoId, StringComparer.Ordinal).ThenBy(s => s.CommitSha, StringComparer.Ordinal).ToList();

    /// <summary>The training batches and the CR-val sample, tokenized with the base model's tokenizer.</summary>
    private (CompletionBatches Batches, IReadOnlyList<CompletionExample> Validation) Data(LoadedModel baseModel)
    {
        var train = Sample(Bench.StaticTasks.Where(t => t.Split == SplitNames.Train).ToList(), Config.MaxTrainExamples, "train");
        var val = Sample(Bench.StaticTasks.Where(t => t.Split == SplitNames.CrVal).ToList(), Config.ValidationExamples, "val");
        var pad = baseModel.Tokenizer.EosTokenId ?? 0;
        return (new CompletionBatches(CompletionExamples.Build(train, baseModel.Tokenizer, Config.MaxTokens), Config.BatchSize, 1, pad, Config.Seed),
            CompletionExamples.Build(val, baseModel.Tokenizer, Config.MaxTokens));
    }

    /// <summary>A seeded sample of at most <paramref name="max"/> rows (all when max is 0), in a stable order.</summary>
    public IReadOnlyList<QnaRow> Sample(IReadOnlyList<QnaRow> rows, int max, string stream)
    {
        if (max <= 0 || rows.Count <= max) return rows;
        var picked = rows.ToList();
        SeededRandom.For(Config.Seed, "sample/" + stream).Shuffle(picked);
        return picked.Take(max).ToList();
    }

    private string RunPath(string what) => Path.Combine(RunDirectory, what);
}
