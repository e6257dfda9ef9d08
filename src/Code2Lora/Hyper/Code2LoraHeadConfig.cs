using Code2Lora.Adapters;
using Code2Lora.Models;

namespace Code2Lora.Hyper;

/// <summary>Shape of the Code2LoRA head (paper-notes §1.3). Defaults are the released V2 head (H = 1024); the Table-2 V1 head
/// used H = 512 and an L2-normalised input.</summary>
public sealed record Code2LoraHeadConfig
{
    /// <summary>Width of the context vector (repo_state_embedding: 2048).</summary>
    public int InputDim { get; init; } = 2048;
    /// <summary>Trunk width H (1024 in the release, 512 behind Table 2; see paper-notes §7.1).</summary>
    public int HiddenDim { get; init; } = 1024;
    /// <summary>Initial value of every log-scale s (exp(−3.5) ≈ 0.0302 bounds |A| and |B| at init).</summary>
    public double InitLogScale { get; init; } = -3.5;
    /// <summary>V1 trainer: L2-normalise the context before the trunk (V2 feeds it as stored).</summary>
    public bool NormalizeInput { get; init; }
    /// <summary>Not in the paper: standardise the context with the training repositories' per-dimension mean and std
    /// (buffers input_mean / input_std, saved with the head) before the trunk, so the trunk sees what differs between
    /// repositories instead of the direction they share (the tiny encoder's raw vectors have mean pairwise cosine 0.69).</summary>
    public bool StandardizeInput { get; init; }
    /// <summary>Not in the paper: a learned per-layer embedding (L × H, init N(0, 0.02)) added to the trunk output before the
    /// L2 normalisation, so each layer gets its own adapter; off = one pair per type shared by all layers.</summary>
    public bool PerLayer { get; init; }
    /// <summary>LoRA rank and the module types to generate (sorted order is the head's order).</summary>
    public LoraConfig Lora { get; init; } = new();

    /// <summary>Throws a readable error for dimensions that cannot form a head.</summary>
    public Code2LoraHeadConfig Validate()
    {
        if (InputDim <= 0) throw new ArgumentException($"head input_dim must be positive, got {InputDim}.");
        if (HiddenDim <= 0) throw new ArgumentException($"head hidden_dim must be positive, got {HiddenDim}.");
        if (!double.IsFinite(InitLogScale)) throw new ArgumentException($"head init_log_scale must be finite, got {InitLogScale}.");
        Lora.Validate();
        return this;
    }

    /// <summary>Parameter count from the dimensions alone (nothing allocated); equals the built module's count.</summary>
    public long CountParameters(ModelConfig model)
    {
        long h = HiddenDim, r = Lora.Rank;
        var trunk = InputDim * h + h + h * h + h;
        var heads = Lora.SortedTargets.Sum(t =>
        {
            var (i, o) = LoraTargets.Dims(model, t);
            return (h + 1) * (r * i) + (h + 1) * (o * r) + 2;   // Linear_A, Linear_B (weights + biases), two scalar log-scales
        });
        return trunk + heads + (PerLayer ? (long)model.NumHiddenLayers * h : 0);
    }
}
