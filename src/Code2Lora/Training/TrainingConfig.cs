namespace Code2Lora.Training;

/// <summary>The optimiser, schedule and bookkeeping knobs shared by every recipe (pretrain, static, evo, baselines).</summary>
public sealed record TrainingConfig
{
    /// <summary>Optimizer steps in the whole run (the schedule's length).</summary>
    public required int Steps { get; init; }
    /// <summary>Peak learning rate, reached at the end of warmup.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Share of <see cref="Steps"/> spent in linear warmup (HF: ceil(ratio × steps) steps).</summary>
    public double WarmupRatio { get; init; } = 0.03;
    /// <summary>"cosine" (to zero, as HF get_cosine_schedule_with_warmup) or "constant" (after warmup).</summary>
    public string Schedule { get; init; } = "cosine";
    /// <summary>AdamW decoupled weight decay (applied to every trainable tensor of rank ≥ 2; norms and biases are exempt).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>AdamW β1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>AdamW β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>AdamW ε.</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Global L2 gradient-norm clip (0 turns clipping off).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Micro-batches whose gradients add up to one optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;
    /// <summary>"fp32", or "bf16": the recipe's modules compute in bf16 while the optimizer updates fp32 master copies.</summary>
    public string Precision { get; init; } = "fp32";
    /// <summary>Write a checkpoint every this many steps (0: only at the end and on interruption).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Checkpoints kept on disk (oldest deleted first; the newest is what a resume starts from).</summary>
    public int KeepCheckpoints { get; init; } = 2;
    /// <summary>Run the recipe's evaluation every this many steps, and after the last (0: only after the last).</summary>
    public int EvalEvery { get; init; } = 0;
    /// <summary>Append a metrics row every this many steps.</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>Throws a readable error for settings no run could use.</summary>
    public TrainingConfig Validate()
    {
        if (Steps <= 0) throw new ArgumentException($"steps must be positive, got {Steps}.");
        if (LearningRate <= 0) throw new ArgumentException($"learning rate must be positive, got {LearningRate}.");
        if (WarmupRatio is < 0 or > 1) throw new ArgumentException($"warmup ratio must be in [0, 1], got {WarmupRatio}.");
        if (Schedule is not ("cosine" or "constant")) throw new ArgumentException($"schedule '{Schedule}' is not one of cosine, constant.");
        if (Precision is not ("fp32" or "bf16")) throw new ArgumentException($"precision '{Precision}' is not one of fp32, bf16.");
        if (GradientAccumulation <= 0) throw new ArgumentException($"gradient accumulation must be positive, got {GradientAccumulation}.");
        if (KeepCheckpoints <= 0) throw new ArgumentException("keep at least one checkpoint, or a run could not resume.");
        if (LogEvery <= 0) throw new ArgumentException($"log-every must be positive, got {LogEvery}.");
        return this;
    }
}
