using Code2Lora.Adapters;
using Code2Lora.Models;

namespace Code2Lora.Hyper;

/// <summary>Shape of the Text2LoRA-style baseline head (paper-notes §4.1 "Text2LoRA, strengthened"). Defaults are the paper's:
/// task encoder 2048 → 128, T2L's latent split (depth and type embeddings of 32 each) and head input 512.</summary>
public sealed record Text2LoraHeadConfig
{
    /// <summary>Width of the context vector (the same repo_state_embedding as Code2LoRA: 2048).</summary>
    public int InputDim { get; init; } = 2048;
    /// <summary>Output width of the task encoder Linear(in → task) + LayerNorm (paper-notes: 128).</summary>
    public int TaskDim { get; init; } = 128;
    /// <summary>Width of the learned layer-depth embedding and, separately, of the layer-type embedding (T2L: latent/4).</summary>
    public int LayerEmbeddingDim { get; init; } = 32;
    /// <summary>Width of the last trunk layer, the input of every per-type output head (T2L's head_in_size).</summary>
    public int HeadInputDim { get; init; } = 512;
    /// <summary>Std of the output heads' weights; their biases start at a PEFT-initialised LoRA (A kaiming, B zero), T2L's
    /// bias-HyperInit. T2L zeroes the weights; a small non-zero std lets every parameter get a gradient from step one.</summary>
    public double HeadInitStd { get; init; } = 1e-3;
    /// <summary>LoRA rank and the module types to generate (sorted order is the head's order).</summary>
    public LoraConfig Lora { get; init; } = new();

    /// <summary>Width of the trunk: task ⊕ depth ⊕ type embeddings.</summary>
    public int TrunkDim => TaskDim + 2 * LayerEmbeddingDim;

    /// <summary>Throws a readable error for dimensions that cannot form a head.</summary>
    public Text2LoraHeadConfig Validate()
    {
        if (InputDim <= 0) throw new ArgumentException($"text2lora input_dim must be positive, got {InputDim}.");
        if (TaskDim <= 0) throw new ArgumentException($"text2lora task_dim must be positive, got {TaskDim}.");
        if (LayerEmbeddingDim <= 0) throw new ArgumentException($"text2lora layer_embedding_dim must be positive, got {LayerEmbeddingDim}.");
        if (HeadInputDim <= 0) throw new ArgumentException($"text2lora head_input_dim must be positive, got {HeadInputDim}.");
        if (!(HeadInitStd >= 0) || !double.IsFinite(HeadInitStd)) throw new ArgumentException($"text2lora head_init_std must be finite and ≥ 0, got {HeadInitStd}.");
        Lora.Validate();
        return this;
    }

    /// <summary>Parameter count from the dimensions alone (nothing allocated); equals the built module's count.</summary>
    public long CountParameters(ModelConfig model)
    {
        long w = TrunkDim, e = LayerEmbeddingDim, hi = HeadInputDim, r = Lora.Rank, types = Lora.TargetModules.Count;
        var encoder = (InputDim + 1L) * TaskDim + 2L * TaskDim;                   // Linear + LayerNorm
        var embeddings = model.NumHiddenLayers * e + 2 * e + types * e + 2 * e;    // depth and type tables, each with a LayerNorm
        var mixer = (w + 1) * 4 * w + (4 * w + 1) * w;
        var residual = 2 * w + (w + 1) * 4 * w + (4 * w + 1) * w;                  // LayerNorm, Linear(w→4w), Linear(4w→w)
        var last = 2 * w + (w + 1) * 4 * w + (4 * w + 1) * hi;
        var heads = Lora.SortedTargets.Sum(t =>
        {
            var (i, o) = LoraTargets.Dims(model, t);
            return (hi + 1) * r * (i + o);
        });
        return encoder + embeddings + mixer + 2 * residual + last + heads;
    }
}
