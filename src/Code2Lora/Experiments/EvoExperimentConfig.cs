using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Config;
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
    /// <summary>The benchmark world: a bench preset name (configs/bench/) or a bench config file.</summary>
    public string Bench { get; init; } = "tiny";
    /// <summary>The static experiment whose Code2LoRA-Static head and single LoRA give the table's static rows (a preset name or file).</summary>
    public string Static { get; init; } = "tiny";
    /// <summary>Base model directory, relative to data/ (the frozen LM, also the encoder of states and diffs).</summary>
    public string BaseModel { get; init; } = "models/tiny-python-lm";
    /// <summary>The encoder's model directory or Hub id (null: the base model encodes; the paper uses Qwen/Qwen3-Embedding-0.6B).</summary>
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
    /// <summary>GRU initialisation: null or repo_state (h₀ from the first kept commit's state, the paper's) or zero (an ablation).
    /// Null keeps the paper's rule out of every written config, so runs and results made before this key existed stay valid.</summary>
    public string? GruInit { get; init; }
    /// <summary>Tokens of a training sequence and of an evaluation prompt (cut on the left).</summary>
    public int MaxTokens { get; init; } = StaticExperimentConfig.Tiny.MaxTokens;
    /// <summary>Greedy decoding budget per task.</summary>
    public int MaxNewTokens { get; init; } = 48;
    /// <summary>Where prompt and target meet when tokenized, in training and evaluation alike (<see cref="PromptBoundaries"/>): the paper's
    /// cut, or the prefix's trailing spaces moved into the target (the tiny presets: a small base cannot bridge a lone space token).</summary>
    public PromptBoundary PromptBoundary { get; init; } = PromptBoundary.Paper;
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

    /// <summary>The embedded default on 2 CPU cores (configs/evo/tiny.json).</summary>
    public static EvoExperimentConfig Tiny => Get("tiny");

    /// <summary>Seconds-long run for tests and CI (configs/evo/smoke.json).</summary>
    public static EvoExperimentConfig Smoke => Get("smoke");

    /// <summary>The paper's Table 3 settings (configs/evo/paper.json).</summary>
    public static EvoExperimentConfig Paper => Get("paper");

    /// <summary>A shipped preset by name (configs/evo/&lt;name&gt;.json).</summary>
    public static EvoExperimentConfig Get(string name) => ConfigFiles.Preset<EvoExperimentConfig>("evo", name);

    /// <summary>The device and base dtype of <see cref="Device"/> and <see cref="Dtype"/>, resolved (errors name this preset).</summary>
    public ComputeTarget ResolveCompute() => ComputeTarget.Resolve(Device, Dtype, $"evo config '{Name}'");

    /// <summary>Decoding settings of the methods without context: prompts cut to <see cref="MaxTokens"/>.</summary>
    public CompletionSettings Decoding => new() { MaxInputTokens = MaxTokens, MaxNewTokens = MaxNewTokens, BatchSize = EvalBatchSize, Boundary = PromptBoundary };

    /// <summary>Decoding settings of the RAG row: the same prefix as <see cref="Decoding"/>, the context before it.</summary>
    public CompletionSettings ContextDecoding => Decoding.WithContextRoom(ContextPromptTokens);

    /// <summary>The GRU for vectors of width <paramref name="vectorDim"/> (diffs and states share the encoder's width).</summary>
    public CommitGruConfig Gru(int vectorDim) => new() { DiffDim = vectorDim, StateDim = vectorDim, HiddenDim = GruHidden, PerStepInput = PerStepInput, Init = GruInit ?? CommitGruConfig.InitFromState };

    /// <summary>The head, reading the GRU's context.</summary>
    public Code2LoraHeadConfig Head() => new() { InputDim = GruHidden, HiddenDim = HeadHidden, Lora = Lora };
}
