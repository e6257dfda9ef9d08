using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Bench.Released;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Experiments;

/// <summary>The evolution track end to end: per-commit vectors, Code2LoRA-Evo training along the training repositories'
/// histories, and (in <see cref="EvoEvaluation"/>) every method on CR-test and IR-test commits.</summary>
public sealed class EvoExperiment
{
    /// <summary>The benchmark folder.</summary>
    public string BenchDirectory { get; }

    /// <summary>The configuration.</summary>
    public EvoExperimentConfig Config { get; }

    /// <summary>Checkpoints, trained weights and logs (data/work/evo-&lt;preset&gt; by default).</summary>
    public string RunDirectory { get; }

    /// <summary>The benchmark's rows.</summary>
    public BenchData Bench { get; }

    private EvoExperiment(EvoExperimentConfig config, string benchDir, string runDirectory, BenchData bench) =>
        (Config, BenchDirectory, RunDirectory, Bench) = (config, benchDir, runDirectory, bench);

    /// <summary>Opens an experiment over the benchmark in <paramref name="benchDir"/>; a benchmark without an evolution track is refused.</summary>
    public static async Task<EvoExperiment> OpenAsync(EvoExperimentConfig config, string benchDir, string runDirectory)
    {
        var bench = await BenchData.LoadAsync(benchDir);
        if (bench.Commits.Count == 0) throw new InvalidOperationException($"{benchDir} has no evolution track (no kept commits); build it from git histories (the forge).");
        return new EvoExperiment(config, benchDir, runDirectory, bench);
    }

    /// <summary>An experiment over rows already loaded (a relabelled benchmark: one fold of <see cref="EvoCrossValidation"/>).</summary>
    public static EvoExperiment Over(EvoExperimentConfig config, string benchDir, string runDirectory, BenchData bench) => new(config, benchDir, runDirectory, bench);

    /// <summary>Where the trained GRU and head are written (<see cref="EvoFiles"/>).</summary>
    public string EvoDirectory => Path.Combine(RunDirectory, "code2lora-evo");

    /// <summary>Stops before any weight is loaded when Evo training does not fit the device by the memory plan (<see cref="MemoryGuard"/>).</summary>
    public void CheckMemory() => MemoryGuard.Check("train-evo", null, Config);

    /// <summary>Loads the frozen base model (a fresh copy) on the configured device, in the configured dtype, with activation
    /// checkpointing as configured.</summary>
    public LoadedModel LoadBase() => FrozenBase.Load(Config.BaseModel, Config.ResolveCompute(), Config.ActivationCheckpointing);

    /// <summary>Loads the frozen repository encoder (<see cref="Config"/>'s EncoderModel, else the base model) on the configured device and dtype.</summary>
    public LoadedModel LoadEncoder() => FrozenBase.Load(Config.EncoderModel ?? Config.BaseModel, Config.ResolveCompute());

    /// <summary>Embeds what the benchmark needs (diffs, every kept commit's state, static snapshots) and opens the store; a benchmark
    /// imported from the released datasets opens the released vectors instead (no encoder runs).</summary>
    public async Task<EmbeddingStore> VectorsAsync(IReadOnlyList<RepoInput> repos, LoadedModel encoder, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (ReleasedManifest.EncoderFor(BenchDirectory, ReleasedDataset.EvolutionTrack) is { } released)
            return await EmbeddingStore.OpenAsync(EmbeddingPipeline.StoreDirectory(BenchDirectory), released);
        var summary = await EmbeddingPipeline.RunAsync(BenchDirectory, repos, encoder.Model, encoder.Tokenizer, Config.Encoder, progress, cancel);
        return await EmbeddingStore.OpenAsync(EmbeddingPipeline.StoreDirectory(BenchDirectory), summary.EncoderId);
    }

    /// <summary>Every evolution repository's history from <paramref name="store"/>.</summary>
    public IReadOnlyList<CommitHistory> Histories(EmbeddingStore store) =>
        CommitHistory.FromStore(Bench.Commits, store, Config.PerStepInput != CommitGruConfig.Diff);

    /// <summary>Trains (or resumes) Code2LoRA-Evo and writes it to <see cref="EvoDirectory"/>.</summary>
    public TrainingResult TrainEvo(LoadedModel baseModel, EmbeddingStore store, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var histories = Histories(store);
        var device = baseModel.Model.Device;
        var slots = LoraSlots.Install(baseModel.Model, Config.Lora with { DetachInput = true });
        torch.manual_seed(Config.Seed);
        var gru = new CommitGru(Config.Gru(histories[0].Commits[0].Diff.Length), device);
        var head = new Code2LoraHead(Config.Head(), baseModel.Config, device);
        var recipe = Recipe(slots, gru, head, histories, baseModel);
        var training = Config.Training with { Steps = recipe.Schedule.StepsFor(Config.Epochs), GradientAccumulation = 1 };
        var result = new Trainer(training, Path.Combine(RunDirectory, "evo"), $"evo/{Config.Name}/{store.EncoderId}").Run(recipe, progress, cancel);
        if (result.Completed) EvoFiles.Save(EvoDirectory, gru, head, store.EncoderId);
        slots.Clear();
        return result;
    }

    /// <summary>Where the evolution-track single LoRA is written (PEFT layout).</summary>
    public string SingleLoraDirectory => Path.Combine(RunDirectory, "single-lora");

    /// <summary>Trains (or resumes) one LoRA shared by all repositories on the same training tasks as Evo (a flat shuffle,
    /// the paper's sLoRA baseline on this track) and exports it in PEFT's layout.</summary>
    public TrainingResult TrainSingleLora(LoadedModel baseModel, double epochs, TrainingConfig training, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var lora = Config.Lora with { DetachInput = false };
        var slots = LoraSlots.Install(baseModel.Model, lora);
        torch.manual_seed(Config.Seed);
        var adapter = new LoraAdapter(baseModel.Config, lora, baseModel.Model.Device);
        var pad = baseModel.Tokenizer.EosTokenId ?? 0;
        var train = CompletionExamples.Build(Bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train).ToList(), baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary);
        var val = CompletionExamples.Build(Sample(Bench.EvolutionTasks.Where(t => t.Split == SplitNames.CrVal).ToList(), Config.ValidationExamples, "val"), baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary);
        var batches = new CompletionBatches(train, Config.BatchSize, 1, pad, Config.Seed);
        var result = new Trainer(training with { Steps = batches.StepsFor(epochs) }, Path.Combine(RunDirectory, "single-lora-run"), $"evo-single-lora/{Config.Name}")
            .Run(new SingleLoraRecipe(slots, adapter, batches, val), progress, cancel);
        if (result.Completed) PeftAdapterFiles.Save(SingleLoraDirectory, adapter, lora, baseModel.Config, baseModel.NameOrPath);
        slots.Clear();
        return result;
    }

    /// <summary>The Evo recipe over the training repositories' histories: smart-capped train tasks by commit, CR-val loss.</summary>
    public EvoRecipe Recipe(LoraSlots slots, CommitGru gru, Code2LoraHead head, IReadOnlyList<CommitHistory> histories, LoadedModel baseModel)
    {
        var pad = baseModel.Tokenizer.EosTokenId ?? 0;
        var trainRows = Bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train).ToList();
        var examples = CompletionExamples.Build(trainRows, baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary);
        var byCommit = examples.GroupBy(e => (e.RepoId, e.CommitSha)).ToDictionary(g => g.Key, g => (IReadOnlyList<CompletionExample>)g.ToList());
        var valRows = Sample(Bench.EvolutionTasks.Where(t => t.Split == SplitNames.CrVal).ToList(), Config.ValidationExamples, "val");
        var validation = CompletionExamples.Build(valRows, baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary);
        var valRepos = valRows.Select(r => r.RepoId).ToHashSet();
        return new EvoRecipe(slots, gru, head, histories.Where(h => h.CrossRepoSplit == SplitNames.Train).ToList(), byCommit,
            Config.Walk with { Seed = Config.Seed, PadId = pad, EvalBatchSize = Config.BatchSize },
            validation, histories.Where(h => valRepos.Contains(h.RepoId)).ToList());
    }

    /// <summary>A seeded sample of at most <paramref name="max"/> rows (all when max is 0), in the rows' own order.</summary>
    public IReadOnlyList<QnaRow> Sample(IReadOnlyList<QnaRow> rows, int max, string stream)
    {
        if (max <= 0 || rows.Count <= max) return rows;
        var index = Enumerable.Range(0, rows.Count).ToList();
        SeededRandom.For(Config.Seed, "evo/sample/" + stream).Shuffle(index);
        return index.Take(max).Order().Select(i => rows[i]).ToList();
    }
}
