using System.Text.Json.Serialization;

namespace Code2Lora.Experiments;

/// <summary>The planned memory and compute of one stage of an experiment (bytes, FLOPs). Activations are given both with and without
/// activation checkpointing; <see cref="PeakBytes"/> uses the one the config selects.</summary>
public sealed record StagePlan
{
    /// <summary>Stage name: encode, train-static, train-evo, evaluate.</summary>
    [JsonPropertyName("stage")] public required string Stage { get; init; }
    /// <summary>What one step of the stage is (a micro-batch, an optimizer step, a decoding batch).</summary>
    [JsonPropertyName("step")] public required string Step { get; init; }
    /// <summary>Weights resident during the stage: the frozen model(s) in their dtype, trainable modules in fp32.</summary>
    [JsonPropertyName("weight_bytes")] public long WeightBytes { get; init; }
    /// <summary>fp32 gradients of the trainable modules.</summary>
    [JsonPropertyName("gradient_bytes")] public long GradientBytes { get; init; }
    /// <summary>AdamW's two fp32 moments per trainable parameter.</summary>
    [JsonPropertyName("optimizer_bytes")] public long OptimizerBytes { get; init; }
    /// <summary>Activations kept for the backward pass (or, for inference, the working set and KV cache) without checkpointing.</summary>
    [JsonPropertyName("activation_bytes")] public long ActivationBytes { get; init; }
    /// <summary>The same with every decoder block checkpointed: one [T,H] input per block plus one block's recomputation.</summary>
    [JsonPropertyName("activation_bytes_checkpointed")] public long ActivationBytesCheckpointed { get; init; }
    /// <summary>Logits where a loss is taken (or the next-token row when decoding), with their fp32 copies and gradients.</summary>
    [JsonPropertyName("logit_bytes")] public long LogitBytes { get; init; }
    /// <summary>Whether the config checkpoints the blocks.</summary>
    [JsonPropertyName("checkpointing")] public bool Checkpointing { get; init; }
    /// <summary>FLOPs of one step.</summary>
    [JsonPropertyName("flops_per_step")] public double FlopsPerStep { get; init; }
    /// <summary>Steps in the whole stage (0 when the counts it needs are unknown).</summary>
    [JsonPropertyName("steps")] public long Steps { get; init; }
    /// <summary>Tokens of one step (all sequences).</summary>
    [JsonPropertyName("tokens_per_step")] public long TokensPerStep { get; init; }
    /// <summary>How the counts were derived.</summary>
    [JsonPropertyName("notes")] public string Notes { get; init; } = "";

    /// <summary>The planned peak: weights, gradients, optimizer state, the selected activations and the logits.</summary>
    [JsonPropertyName("peak_bytes")]
    public long PeakBytes => WeightBytes + GradientBytes + OptimizerBytes + (Checkpointing ? ActivationBytesCheckpointed : ActivationBytes) + LogitBytes;

    /// <summary>FLOPs of the whole stage.</summary>
    [JsonPropertyName("total_flops")] public double TotalFlops => FlopsPerStep * Steps;
}
