using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Adapters;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Recipes;

namespace Code2Lora.Experiments;

/// <summary>Everything that defines the evolution-track experiment (paper Table 3). Run: <c>c2l train evo --preset tiny</c>,
/// then <c>c2l eval evo --preset tiny</c> (the static rows need <c>c2l train static|slora</c> of the same preset).</summary>
public sealed record EvoExperimentConfig
{
    /// <summary>Preset name (smoke, tiny); also names the run and results folders.</summary>
    public required string Name { get; init; }
    /// <summary>Base model directory, relative to data/ (the frozen LM, also the encoder of states and diffs).</summary>
    public string BaseModel { get; init; } = "models/tiny-python-lm";
    /// <summary>Repository encoder directory, relative to data/ (the paper: Qwen3-Embedding-0.6B); null: the base model encodes too
    /// (the tiny world). Loaded on <see cref="Device"/> in <see cref="Dtype"/>, frozen.</summary>
    public string? EncoderModel { get; init; }
    /// <summary>The static experiment's encoder, with a state at every kept commit (the Static rows read the commit's own state);
    /// the encoder id is the static one, so both experiments share one store.</summary>
    public EncoderConfig Encoder { get; init; } = StaticExperimentConfig.Tiny.Encoder with { StateAtEveryCommit = true };
    /// <summary>LoRA rank, α and targets (the static preset's, so its head and single LoRA fit the same slots).</summary>
    public LoraConfig Lora { get; init; } = StaticExperimentConfig.Tiny.Lora;
    /// <summary>Head trunk width H (the paper: 1024).</summary>
    public int HeadHidden { get; init; } = 256;
    /// <summary>GRU width G (the paper: 2048).</summary>
    public int GruHidden { get; init; } = 256;
    /// <summary>Per-step GRU input: diff (the paper), repo_state or concat.</summary>
    public string PerStepInput { get; init; } = CommitGruConfig.Diff;
    /// <summary>Tokens of a training sequence and of an evaluation prompt (cut on the left).</summary>
    public int MaxTokens { get; init; } = StaticExperimentConfig.Tiny.MaxTokens;
    /// <summary>Greedy decoding budget per task.</summary>
    public int MaxNewTokens { get; init; } = 48;
    /// <summary>Examples per validation micro-batch (and per single-LoRA training batch).</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Prompts per decoding batch and windows per embedding batch (inference only).</summary>
    public int EvalBatchSize { get; init; } = StaticExperimentConfig.Tiny.EvalBatchSize;
    /// <summary>Tasks per update (≤ 8) and truncated-BPTT window (16), paper-notes §1.6.</summary>
    public EvoWalkSettings Walk { get; init; } = new();
    /// <summary>RAG baseline on each scored commit's snapshot (the static preset's chunking: see StaticExperimentConfig.Rag).</summary>
    public RagConfig Rag { get; init; } = StaticExperimentConfig.Tiny.Rag;
    /// <summary>Prompt cap of the RAG row, room for the context beside the prefix.</summary>
    public int ContextPromptTokens { get; init; } = StaticExperimentConfig.Tiny.ContextPromptTokens;
    /// <summary>Passes over the training repositories' histories.</summary>
    public double Epochs { get; init; } = 1;
    /// <summary>Optimiser settings (Steps is derived from the epochs; the paper: lr 5e-5 at G = 2048, clip 1.0, warmup 0.03, cosine).</summary>
    public TrainingConfig Training { get; init; } = new() { Steps = 1, LearningRate = 1e-3, WarmupRatio = 0.03, WeightDecay = 0.01, MaxGradNorm = 1.0, CheckpointEvery = 50, EvalEvery = 100 };
    /// <summary>CR-val tasks whose loss is logged during training.</summary>
    public int ValidationExamples { get; init; } = 64;
    /// <summary>Scored tasks per (repository, commit): the first ones, at most this many (the paper: 8).</summary>
    public int EvalTasksPerCommit { get; init; } = 8;
    /// <summary>Evaluate at most this many tasks per split (0 = all), a seeded sample (tiny: 256; eight methods are decoded).</summary>
    public int EvalTasksPerSplit { get; init; } = 256;
    /// <summary>Seed of initialisation, walk order and samples.</summary>
    public int Seed { get; init; } = 3407;
    /// <summary>Where every model and tensor of the run lives: "auto" (CUDA when LibTorch sees a GPU, else the CPU, logged), "cpu",
    /// "cuda", "cuda:N" or "meta" (shapes only, for dry runs). An explicit CUDA device that is missing is an error, never a CPU run.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Precision of the frozen base model (and of the encoder, here the same model): "fp32", "bf16", "fp16" or "auto" (bf16 on
    /// CUDA, fp32 elsewhere). Heads, GRU and LoRA pairs always keep fp32 weights; the LoRA delta is computed in fp32.</summary>
    public string Dtype { get; init; } = "fp32";
    /// <summary>Recompute each decoder block in the backward pass instead of keeping its activations (the paper's authors checkpoint
    /// the base; needed for an 8,192-token step of the 1.5B model): one [T,H] tensor per block instead of all of them.</summary>
    public bool ActivationCheckpointing { get; init; }

    /// <summary>The embedded default on 2 CPU cores.</summary>
    public static EvoExperimentConfig Tiny { get; } = new() { Name = "tiny" };

    /// <summary>Seconds-long run for tests and CI.</summary>
    public static EvoExperimentConfig Smoke { get; } = new()
    {
        Name = "smoke", Encoder = StaticExperimentConfig.Smoke.Encoder with { StateAtEveryCommit = true }, Lora = StaticExperimentConfig.Smoke.Lora,
        HeadHidden = 32, GruHidden = 32, MaxTokens = 128, MaxNewTokens = 16, BatchSize = 4, EvalBatchSize = 4, ValidationExamples = 8, EvalTasksPerSplit = 24,
        Walk = new EvoWalkSettings { MaxTasksPerUpdate = 4 },
        Training = Tiny.Training with { CheckpointEvery = 4, EvalEvery = 4 },
        Rag = StaticExperimentConfig.Smoke.Rag, ContextPromptTokens = StaticExperimentConfig.Smoke.ContextPromptTokens,
    };

    /// <summary>The paper's Evo settings (paper-notes §1.6): bf16 Qwen2.5-Coder-1.5B with checkpointed blocks, G = 2048, H = 1024,
    /// max_seq 4,096, ≤ 8 tasks per update, TBPTT 16, AdamW lr 5e-5, wd 0.01, warmup 0.03, cosine, clip 1.0, 3 epochs, eval loss on
    /// CR-val every 80 steps; 64 new tokens per evolution-track task, its first ≤ 8 tasks per commit.</summary>
    public static EvoExperimentConfig Paper { get; } = new()
    {
        Name = "paper", BaseModel = StaticExperimentConfig.Paper.BaseModel, EncoderModel = StaticExperimentConfig.Paper.EncoderModel,
        Encoder = EncoderConfig.Paper with { StateAtEveryCommit = true }, Lora = StaticExperimentConfig.Paper.Lora,
        HeadHidden = 1024, GruHidden = 2048, MaxTokens = 4096, MaxNewTokens = 64, BatchSize = 1, EvalBatchSize = 1,
        Walk = new EvoWalkSettings { MaxTasksPerUpdate = 8, BpttWindow = 16 }, Epochs = 3,
        Training = new TrainingConfig { Steps = 1, LearningRate = 5e-5, WarmupRatio = 0.03, WeightDecay = 0.01, MaxGradNorm = 1.0, CheckpointEvery = 80, EvalEvery = 80 },
        ValidationExamples = 2_000, EvalTasksPerCommit = 8, EvalTasksPerSplit = 0,
        Rag = StaticExperimentConfig.Paper.Rag, ContextPromptTokens = 4096 + 1_536,
        Device = "auto", Dtype = "bf16", ActivationCheckpointing = true,
    };

    /// <summary>Presets by name.</summary>
    public static EvoExperimentConfig Get(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "smoke" => Smoke,
        "paper" => Paper,
        _ => throw new ArgumentException($"no evo-experiment preset '{name}' (smoke, tiny, paper)."),
    };

    /// <summary>The device and base dtype of <see cref="Device"/> and <see cref="Dtype"/>, resolved (errors name this preset).</summary>
    public ComputeTarget ResolveCompute() => ComputeTarget.Resolve(Device, Dtype, $"evo config '{Name}'");

    /// <summary>Decoding settings of the methods without context: prompts cut to <see cref="MaxTokens"/>.</summary>
    public CompletionSettings Decoding => new() { MaxInputTokens = MaxTokens, MaxNewTokens = MaxNewTokens, BatchSize = EvalBatchSize };

    /// <summary>Decoding settings of the RAG row: the same prefix as <see cref="Decoding"/>, the context before it.</summary>
    public CompletionSettings ContextDecoding => Decoding.WithContextRoom(ContextPromptTokens);

    /// <summary>The GRU for vectors of width <paramref name="vectorDim"/> (diffs and states share the encoder's width).</summary>
    public CommitGruConfig Gru(int vectorDim) => new() { DiffDim = vectorDim, StateDim = vectorDim, HiddenDim = GruHidden, PerStepInput = PerStepInput };

    /// <summary>The head, reading the GRU's context.</summary>
    public Code2LoraHeadConfig Head() => new() { InputDim = GruHidden, HiddenDim = HeadHidden, Lora = Lora };
}
