using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Bench.Released;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Models.Tokenization;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Experiments;

/// <summary>The static track end to end: repository vectors, Code2LoRA-Static training and that of the trained baselines (single
/// LoRA, per-repo LoRA, full fine-tuning, Text2LoRA), evaluation of every method on the CR and IR test splits. Each step reads what the previous one wrote, so any of them can be re-run alone.</summary>
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

    /// <summary>An experiment over rows already loaded (or relabelled: the folds of <see cref="CrossRepoValidation"/>) from <paramref name="benchDir"/>.</summary>
    public static StaticExperiment Over(StaticExperimentConfig config, string benchDir, string runDirectory, BenchData bench) => new(config, benchDir, runDirectory, bench);

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

    /// <summary>Stops before any weight is loaded when <paramref name="stage"/> (encode, train-static, evaluate) does not fit the
    /// device by the memory plan (<see cref="MemoryGuard"/>).</summary>
    public void CheckMemory(string stage) => MemoryGuard.Check(stage, Config, null);

    /// <summary>Loads the frozen base model (a fresh copy: each method installs its own LoRA slots) on the configured device, in the
    /// configured dtype, with activation checkpointing as configured.</summary>
    public LoadedModel LoadBase() => FrozenBase.Load(Config.BaseModel, Config.ResolveCompute(), Config.ActivationCheckpointing);

    /// <summary>Loads the frozen repository encoder (<see cref="Config"/>'s EncoderModel, else the base model) on the configured device and dtype.</summary>
    public LoadedModel LoadEncoder()
    {
        CheckMemory("encode");
        return FrozenBase.Load(Config.EncoderModel ?? Config.BaseModel, Config.ResolveCompute());
    }

    /// <summary>Embeds the static repositories' states with the base model (incremental) and returns the vectors; a benchmark
    /// imported from the released datasets returns the released vectors instead (no encoder runs, <paramref name="repos"/> unused).</summary>
    public async Task<RepoContexts> ContextsAsync(IReadOnlyList<RepoInput> repos, LoadedModel encoder, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (ReleasedManifest.EncoderFor(BenchDirectory, ReleasedDataset.StaticTrack) is { } released)
            return RepoContexts.FromStore(await EmbeddingStore.OpenAsync(EmbeddingPipeline.StoreDirectory(BenchDirectory), released));
        var summary = await EmbeddingPipeline.RunAsync(BenchDirectory, repos, encoder.Model, encoder.Tokenizer, Config.Encoder, progress, cancel);
        return RepoContexts.FromStore(await EmbeddingStore.OpenAsync(EmbeddingPipeline.StoreDirectory(BenchDirectory), summary.EncoderId));
    }

    /// <summary>The vectors the head is trained on and reads: the repository vectors, or for the repository-ID control
    /// (<see cref="HeadInputControl.RandomPerRepository"/>) a random vector per repository.</summary>
    public RepoContexts HeadContexts(RepoContexts contexts) =>
        Config.HeadInput == HeadInputControl.RandomPerRepository ? contexts.RandomPerRepository(Config.Seed) : contexts;

    /// <summary>Trains (or resumes) Code2LoRA-Static and writes head.safetensors + head_config.json. The config's
    /// <see cref="StaticExperimentConfig.HeadInput"/> trains one of the input controls instead.</summary>
    public TrainingResult TrainStatic(LoadedModel baseModel, RepoContexts contexts, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        contexts = HeadContexts(contexts);
        var slots = LoraSlots.Install(baseModel.Model, Config.Lora with { DetachInput = true });
        torch.manual_seed(Config.Seed);
        var head = new Code2LoraHead(Config.Head(contexts.Dimension), baseModel.Config, baseModel.Model.Device);
        if (head.Config.StandardizeInput)
            using (var train = contexts.Stack(TrainStates(), baseModel.Model.Device)) head.SetInputStatistics(train);
        var (batches, validation) = Data(baseModel);
        var training = Config.StaticTraining with { Steps = batches.StepsFor(Config.StaticEpochs) };
        var recipe = new StaticRecipe(slots, head, batches, validation, contexts,
            Config.HeadInput == HeadInputControl.ShuffledPerExample ? TrainStates() : null, Config.Seed);
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
        if (result.Completed) PeftAdapterFiles.Save(SingleLoraDirectory, adapter, lora, baseModel.Config, baseModel.NameOrPath);
        return result;
    }

    /// <summary>The training repositories' states (distinct, ordered): the mean adapter and the head's input statistics come from them.</summary>
    public IReadOnlyList<(string Repo, string Sha)> TrainStates() =>
        TrainingRepositoryTasks().Select(t => (t.RepoId, t.CommitSha)).Distinct()
            .OrderBy(s => s.RepoId, StringComparer.Ordinal).ThenBy(s => s.CommitSha, StringComparer.Ordinal).ToList();

    /// <summary>Where the per-repo LoRAs live: one folder per IR repository (PEFT files, its checkpoints and metrics) and timings.json.</summary>
    public string PerRepoLoraRoot => RunPath("per-repo-lora");

    /// <summary>Training seconds, steps and tasks of every finished per-repo LoRA.</summary>
    public string PerRepoLoraTimingsFile => Path.Combine(PerRepoLoraRoot, "timings.json");

    /// <summary>The in-repo (IR) repositories: those with training tasks, in ordinal order. Only they get a per-repo LoRA.</summary>
    public IReadOnlyList<string> InRepoRepositories => Bench.StaticTasks.Where(t => t.Split == SplitNames.Train).Select(t => t.RepoId)
        .Distinct().OrderBy(r => r, StringComparer.Ordinal).ToList();

    /// <summary>The PEFT folder (and run directory) of <paramref name="repoId"/>'s per-repo LoRA.</summary>
    public string PerRepoLoraDirectory(string repoId) => Path.Combine(PerRepoLoraRoot, PerRepoLoraFiles.SafeName(repoId));

    /// <summary>True once <paramref name="repoId"/>'s per-repo LoRA finished (its adapter file is written only then).</summary>
    public bool HasPerRepoLora(string repoId) => File.Exists(Path.Combine(PerRepoLoraDirectory(repoId), PeftAdapterFiles.WeightsFile));

    /// <summary>Trains (or resumes) one LoRA per IR repository on that repository's training tasks alone, each in its own run directory;
    /// repositories finished earlier are skipped. Each adapter is exported in PEFT's layout; timings.json gets its training seconds.
    /// With <paramref name="shard"/>, only that shard's repositories; each repository is claimed first (<see cref="WorkClaim"/> in
    /// <c>{root}/.claims</c>), so processes sharing the folder never train the same repository: one held by another live process is skipped.</summary>
    public PerRepoLoraResult TrainPerRepoLora(LoadedModel baseModel, IProgress<PerRepoLoraProgress>? progress = null, CancellationToken cancel = default,
        Evaluation.Shard? shard = null)
    {
        var repos = InRepoRepositories.Where(r => shard?.Contains(r) != false).ToList();
        PerRepoLoraFiles.SafeNames(repos);
        var lora = Config.Lora with { DetachInput = false };
        var slots = LoraSlots.Install(baseModel.Model, lora);
        var timings = PerRepoLoraFiles.ReadTimings(PerRepoLoraTimingsFile);
        var pad = baseModel.Tokenizer.EosTokenId ?? 0;
        var byRepo = Bench.StaticTasks.Where(t => t.Split is SplitNames.Train or SplitNames.IrVal).ToLookup(t => t.RepoId, StringComparer.Ordinal);
        int trained = 0, skipped = 0;
        try
        {
            for (var i = 0; i < repos.Count; i++)
            {
                var repo = repos[i];
                var dir = PerRepoLoraDirectory(repo);
                if (HasPerRepoLora(repo)) { skipped++; continue; }
                using var claim = WorkClaim.TryClaim(Path.Combine(PerRepoLoraRoot, ".claims"), repo, "per-repo LoRA");
                if (claim is null || HasPerRepoLora(repo)) { skipped++; continue; }   // another process trains it, or finished it meanwhile
                var train = Sample(byRepo[repo].Where(t => t.Split == SplitNames.Train).ToList(), Config.PerRepoMaxExamples, "per-repo/" + repo);
                var val = Sample(byRepo[repo].Where(t => t.Split == SplitNames.IrVal).ToList(), Config.ValidationExamples, "per-repo-val/" + repo);
                var batches = new CompletionBatches(CompletionExamples.Build(train, baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary), Config.BatchSize, 1, pad, Config.Seed);
                var training = Config.PerRepoLoraTraining with { Steps = batches.StepsFor(Config.PerRepoLoraEpochs) };
                torch.manual_seed(Config.Seed);   // every repository starts from the same initial adapter, whatever was skipped
                using var adapter = new LoraAdapter(baseModel.Config, lora, baseModel.Model.Device);
                var recipe = new SingleLoraRecipe(slots, adapter, batches, CompletionExamples.Build(val, baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary));
                var index = i + 1;
                var result = new Trainer(training, dir, $"per-repo-lora/{Config.Name}/{repo}").Run(recipe,
                    progress is null ? null : new SyncProgress<TrainingProgress>(p => progress.Report(new PerRepoLoraProgress(repo, index, repos.Count, p))), cancel);
                if (!result.Completed) return new PerRepoLoraResult(repos.Count, trained, skipped, false, timings);
                // The trainer checkpoints the last step, with the loop's own clock summed over resumes.
                var seconds = TrainingCheckpoint.Latest(Path.Combine(dir, "checkpoints"))?.State.ElapsedSeconds ?? 0;
                // Other claimers write timings.json too: take theirs in before adding this repository's.
                foreach (var (id, t) in PerRepoLoraFiles.ReadTimings(PerRepoLoraTimingsFile)) timings.TryAdd(id, t);
                timings[repo] = new PerRepoLoraTiming(Math.Round(seconds, 3), result.Step, train.Count,
                    result.LastEval.TryGetValue("val_loss", out var v) ? Math.Round(v, 4) : null);
                PerRepoLoraFiles.WriteTimings(PerRepoLoraTimingsFile, timings);
                PeftAdapterFiles.Save(dir, adapter, lora, baseModel.Config, baseModel.NameOrPath);   // last: its presence marks the repository done
                trained++;
            }
        }
        finally { slots.Clear(); }
        return new PerRepoLoraResult(repos.Count, trained, skipped, true, timings);
    }

    /// <summary>Loads the per-repo LoRAs of <paramref name="repoIds"/> that exist (repository id → adapter), with the delta settings of the config.</summary>
    public IReadOnlyDictionary<string, LoraAdapter> LoadPerRepoLoras(IEnumerable<string> repoIds, ModelConfig model, Device device) =>
        repoIds.Distinct(StringComparer.Ordinal).Where(HasPerRepoLora)
            .ToDictionary(r => r, r => PeftAdapterFiles.Load(PerRepoLoraDirectory(r), model, device, Config.Lora), StringComparer.Ordinal);

    /// <summary>The run directory of full fine-tuning.</summary>
    public string FftRunDirectory => RunPath("fft");

    /// <summary>The fully fine-tuned model (a model directory: config.json, model.safetensors, tokenizer.json), written when training completes.</summary>
    public string FftDirectory => Path.Combine(FftRunDirectory, "model");

    /// <summary>Trains (or resumes) full fine-tuning of every base parameter and saves the model directory.</summary>
    public TrainingResult TrainFullFineTune(LoadedModel baseModel, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (baseModel.Tokenizer is not ByteLevelBpeTokenizer tokenizer)
            throw new InvalidOperationException($"full fine-tuning saves a model directory, which needs the base's tokenizer.json; {baseModel.Directory} has none.");
        var (batches, validation) = Data(baseModel);
        // A base held in bf16 trains through fp32 master copies (the trainer's bf16 precision), as the paper's FFT does.
        var training = Config.FftTraining with
        {
            Steps = batches.StepsFor(Config.FftEpochs),
            Precision = baseModel.Model.DType == ScalarType.Float32 ? Config.FftTraining.Precision : "bf16",
        };
        var result = new Trainer(training, FftRunDirectory, $"fft/{Config.Name}").Run(new FullFineTuneRecipe(baseModel.Model, batches, validation), progress, cancel);
        foreach (var p in baseModel.Model.parameters()) p.requires_grad = false;
        if (result.Completed)
            ModelDirectory.Save(FftDirectory, baseModel.Model, tokenizer, new Dictionary<string, string> { ["c2l_fft_base"] = Config.BaseModel, ["c2l_fft_preset"] = Config.Name });
        return result;
    }

    /// <summary>Loads the fully fine-tuned model (eval mode) on the configured device and dtype; a missing one is a clear error.</summary>
    public LoadedModel LoadFullFineTune()
    {
        if (!File.Exists(Path.Combine(FftDirectory, ModelDirectory.ConfigFileName)))
            throw new InvalidOperationException($"no fully fine-tuned model in {FftDirectory}; run: c2l train fft --preset {Config.Name}");
        var target = Config.ResolveCompute();
        var loaded = ModelDirectory.Load(FftDirectory, target.Device, target.Dtype);
        loaded.Model.eval();
        return loaded;
    }

    /// <summary>Where the Text2LoRA-style head is trained and written (head.safetensors + head_config.json).</summary>
    public string Text2LoraDirectory => RunPath("t2l");

    /// <summary>The trained Text2LoRA-style head's weights (metadata: the encoder id of the vectors it was trained on).</summary>
    public string Text2LoraFile => Path.Combine(Text2LoraDirectory, "head.safetensors");

    /// <summary>Trains (or resumes) the Text2LoRA-style head with Code2LoRA-Static's recipe on the same vectors and tasks.</summary>
    public TrainingResult TrainText2Lora(LoadedModel baseModel, RepoContexts contexts, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var slots = LoraSlots.Install(baseModel.Model, Config.Lora with { DetachInput = true });
        torch.manual_seed(Config.Seed);
        var head = new Text2LoraHead(Config.Text2Lora(contexts.Dimension), baseModel.Config, baseModel.Model.Device);
        var (batches, validation) = Data(baseModel);
        var training = Config.Text2LoraTraining with { Steps = batches.StepsFor(Config.Text2LoraEpochs) };
        var result = new Trainer(training, Text2LoraDirectory, $"t2l/{Config.Name}/{contexts.EncoderId}").Run(new StaticRecipe(slots, head, batches, validation, contexts), progress, cancel);
        if (result.Completed)
        {
            SafeTensors.Save(Text2LoraFile, head.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter),
                new Dictionary<string, string> { ["encoder_id"] = contexts.EncoderId });
            AtomicFile.WriteText(Path.Combine(Text2LoraDirectory, "head_config.json"), System.Text.Json.JsonSerializer.Serialize(head.Config, Provenance.Json));
        }
        slots.Clear();
        return result;
    }

    /// <summary>Loads the trained Text2LoRA-style head (eval mode) for vectors of encoder <paramref name="encoderId"/>.</summary>
    public Text2LoraHead LoadText2Lora(LoadedModel baseModel, string encoderId, int inputDim)
    {
        if (!File.Exists(Text2LoraFile)) throw new InvalidOperationException($"no trained Text2LoRA head in {Text2LoraDirectory}; run: c2l train t2l --preset {Config.Name}");
        var trainedOn = SafeTensors.ReadHeader(Text2LoraFile).Metadata.GetValueOrDefault("encoder_id");
        if (trainedOn != encoderId)
            throw new InvalidOperationException($"{Text2LoraFile} was trained on vectors of encoder {trainedOn}, but these come from {encoderId}; retrain: c2l train t2l.");
        var head = new Text2LoraHead(Config.Text2Lora(inputDim), baseModel.Config, baseModel.Model.Device);
        StateDictLoader.Load(head, SafeTensors.Load(Text2LoraFile, baseModel.Model.Device));
        head.eval();
        return head;
    }

    /// <summary>The training tasks every method trains on: those of <see cref="TrainingRepositories"/>, then a seeded sample when
    /// <see cref="StaticExperimentConfig.MaxTrainExamples"/> is set.</summary>
    public IReadOnlyList<QnaRow> TrainingTasks() => Sample(TrainingRepositoryTasks(), Config.MaxTrainExamples, "train");

    /// <summary>The training split's repositories the methods train on, in ordinal order: all of them, or a seeded sample of
    /// <see cref="StaticExperimentConfig.TrainRepositories"/> (an error when the split has fewer).</summary>
    public IReadOnlyList<string> TrainingRepositories()
    {
        var all = InRepoRepositories;
        if (Config.TrainRepositories is not { } n) return all;
        if (n < 1 || n > all.Count)
            throw new ArgumentException($"train_repositories is {n}, but the training split of {BenchDirectory} has {all.Count} repositories; choose 1 to {all.Count}, or null for all.");
        var picked = all.ToList();
        SeededRandom.For(Config.Seed, "sample/train-repositories").Shuffle(picked);
        return picked.Take(n).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The training split's tasks of <see cref="TrainingRepositories"/>, in benchmark order.</summary>
    private List<QnaRow> TrainingRepositoryTasks()
    {
        var repos = TrainingRepositories().ToHashSet(StringComparer.Ordinal);
        return Bench.StaticTasks.Where(t => t.Split == SplitNames.Train && repos.Contains(t.RepoId)).ToList();
    }

    /// <summary>The training batches and the CR-val sample, tokenized with the base model's tokenizer.</summary>
    private (CompletionBatches Batches, IReadOnlyList<CompletionExample> Validation) Data(LoadedModel baseModel)
    {
        var train = TrainingTasks();
        var val = Sample(Bench.StaticTasks.Where(t => t.Split == SplitNames.CrVal).ToList(), Config.ValidationExamples, "val");
        var pad = baseModel.Tokenizer.EosTokenId ?? 0;
        return (new CompletionBatches(CompletionExamples.Build(train, baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary), Config.BatchSize, 1, pad, Config.Seed),
            CompletionExamples.Build(val, baseModel.Tokenizer, Config.MaxTokens, boundary: Config.PromptBoundary));
    }

    /// <summary>The scored tasks: CR-test and IR-test (those with tasks), each a seeded sample of at most
    /// <see cref="StaticExperimentConfig.EvalTasksPerSplit"/> (all when 0).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> EvaluationTasks() => new[] { SplitNames.CrTest, SplitNames.IrTest }
        .Select(s => (Split: s, Tasks: Bench.StaticTasks.Where(t => t.Split == s).ToList())).Where(s => s.Tasks.Count > 0)
        .ToDictionary(s => s.Split, s => Sample(s.Tasks, Config.EvalTasksPerSplit, "eval/" + s.Split));

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
