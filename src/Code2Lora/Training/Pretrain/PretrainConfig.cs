using System.ComponentModel.DataAnnotations;
using Code2Lora.Models;
using Code2Lora.Training;

namespace Code2Lora.Training.Pretrain;

/// <summary>Everything that defines a pretraining run of the tiny code LM. Run: <c>c2l pretrain --preset tiny</c>.</summary>
public sealed record PretrainConfig
{
    /// <summary>Preset name this config came from (recorded in the model card).</summary>
    public required string Name { get; init; }
    /// <summary>Decoder dimensions; VocabSize must equal <see cref="TokenizerVocab"/>.</summary>
    public required ModelConfig Model { get; init; }
    /// <summary>BPE vocabulary size, the 256 byte symbols and the special tokens included.</summary>
    public int TokenizerVocab { get; init; } = 8192;
    /// <summary>The tokenizer is trained on at most this many characters of training files (a prefix of the corpus order).</summary>
    public long TokenizerTrainingChars { get; init; } = 24_000_000;
    /// <summary>Share of files held out (by path hash) for the validation loss.</summary>
    public double HeldOutFraction { get; init; } = 0.02;
    /// <summary>Tokens per training sequence (the model sees packed windows of the token stream).</summary>
    public int SequenceLength { get; init; } = 512;
    /// <summary>Sequences per optimizer step.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 1500;
    /// <summary>Peak learning rate (AdamW), reached after warmup, then cosine to zero.</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Share of steps spent warming up linearly.</summary>
    public double WarmupRatio { get; init; } = 0.03;
    /// <summary>AdamW β2 (0.95, the usual choice for short LM pretraining runs, as nanoGPT).</summary>
    public double Beta2 { get; init; } = 0.95;
    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>Global gradient-norm clip.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>"fp32", or "bf16" (bf16 compute with fp32 master weights).</summary>
    public string Precision { get; init; } = "fp32";
    /// <summary>Checkpoint (weights, optimizer, RNG) every this many steps; a killed run resumes from the last one.</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Measure the held-out loss every this many steps (and after the last).</summary>
    public int EvalEvery { get; init; } = 250;
    /// <summary>Held-out sequences scored for the validation loss.</summary>
    public int EvalSequences { get; init; } = 64;
    /// <summary>Static-track tasks completed to report the pretrained model's exact match (0 skips it).</summary>
    public int EvalTasks { get; init; } = 200;
    /// <summary>The copy curve: at every evaluation, run the in-context copy check on a fixed seeded sample of this many copyable
    /// benchmark tasks and log copy EM and target NLL beside the held-out loss (null = off, as the shipped tiny run).</summary>
    [Range(1, int.MaxValue)]
    public int? CopyCheckTasks { get; init; }
    /// <summary>Seed of initialisation and data order.</summary>
    public int Seed { get; init; } = 3407;
    /// <summary>Debian packages whose code the model learns from, relative to data/.</summary>
    public string PretrainPackages { get; init; } = "corpora/pretrain-packages.txt";
    /// <summary>The benchmark's packages, relative to data/: never trained on; their non-test code measures held-out loss.</summary>
    public string BenchmarkPackages { get; init; } = "corpora/static-packages.txt";
    /// <summary>Where <c>c2l pretrain</c> writes the model, relative to data/ (null: models/tiny-python-lm for the tiny preset,
    /// the run folder's model/ otherwise); <c>--out</c> overrides it.</summary>
    public string? ModelDirectory { get; init; }
    /// <summary>"auto" (CUDA when present, logged), "cpu" or "cuda[:n]"; resolved with <see cref="Runtime.ComputeTarget.Resolve"/> together
    /// with <see cref="Precision"/>, which is this trainable model's dtype (fp32 masters either way).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>The loop settings these knobs amount to.</summary>
    public TrainingConfig Training => new()
    {
        Steps = Steps, LearningRate = LearningRate, WarmupRatio = WarmupRatio, WeightDecay = WeightDecay, Beta2 = Beta2,
        MaxGradNorm = MaxGradNorm, Precision = Precision, CheckpointEvery = CheckpointEvery, EvalEvery = EvalEvery, LogEvery = 1,
    };

    /// <summary>The tiny model that ships in data/models/tiny-python-lm: 4 layers, hidden 192, 3.1 M parameters (configs/pretrain/tiny.json).</summary>
    public static PretrainConfig Tiny => Get("tiny");

    /// <summary>Seconds-long run for tests and CI: a 512-token vocabulary and a few steps (configs/pretrain/smoke.json).</summary>
    public static PretrainConfig Smoke => Get("smoke");

    /// <summary>A shipped preset by name (configs/pretrain/&lt;name&gt;.json); the paper's base model is downloaded, not pretrained.</summary>
    public static PretrainConfig Get(string name) => Code2Lora.Config.ConfigFiles.Preset<PretrainConfig>("pretrain", name);
}
