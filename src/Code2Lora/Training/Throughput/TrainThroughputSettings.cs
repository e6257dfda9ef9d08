using Code2Lora.Models;

namespace Code2Lora.Training.Throughput;

/// <summary>What `c2l bench train-speed` measures. Run: <c>c2l bench train-speed --preset tiny</c>.</summary>
public sealed record TrainThroughputSettings
{
    /// <summary>Decoder to train (default: the tiny pretraining preset's model).</summary>
    public required ModelConfig Model { get; init; }
    /// <summary>Sequences per step.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Tokens per sequence.</summary>
    public int SequenceLength { get; init; } = 512;
    /// <summary>Untimed steps first (JIT, allocator and optimizer-state warm-up).</summary>
    public int WarmupSteps { get; init; } = 2;
    /// <summary>Timed steps; the figure is their mean.</summary>
    public int TimedSteps { get; init; } = 5;
    /// <summary>Intra-op threads for both frameworks; 0 means one per core.</summary>
    public int Threads { get; init; }
    /// <summary>"fp32" and/or "bf16" (bf16 parameters and activations; RMSNorm and the loss still in fp32).</summary>
    public IReadOnlyList<string> Precisions { get; init; } = ["fp32", "bf16"];
    /// <summary>Also time the same step in PyTorch (scripts/reference/train_throughput.py).</summary>
    public bool CompareWithPyTorch { get; init; } = true;
    /// <summary>Interpreter for the PyTorch side (Debian's, where python3-torch installs).</summary>
    public string Python { get; init; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    /// <summary>AdamW learning rate (constant here: the schedule does not change the cost of a step).</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>Global gradient-norm clip, applied every step as in pretraining.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Pin glibc's mmap threshold in both processes (what long training runs need, stack-notes §1d; costs ~12 %).</summary>
    public bool TrimmedHeap { get; init; } = true;
    /// <summary>Seed of the initial weights and the token batch.</summary>
    public int Seed { get; init; } = 3407;

    /// <summary>Thread count actually used.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Throws a readable error for settings that cannot run.</summary>
    public TrainThroughputSettings Validate()
    {
        Model.Validate();
        if (BatchSize <= 0 || SequenceLength < 2) throw new ArgumentException($"batch {BatchSize} × sequence {SequenceLength}: need batch ≥ 1 and sequence ≥ 2.");
        if (WarmupSteps < 0 || TimedSteps <= 0) throw new ArgumentException($"warmup {WarmupSteps} / steps {TimedSteps}: need warmup ≥ 0 and steps ≥ 1.");
        foreach (var p in Precisions)
            if (p is not ("fp32" or "bf16")) throw new ArgumentException($"precision '{p}' is not fp32 or bf16.");
        return this;
    }
}
