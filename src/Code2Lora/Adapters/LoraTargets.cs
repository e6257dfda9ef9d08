using Code2Lora.Models;

namespace Code2Lora.Adapters;

/// <summary>The projections LoRA can target and their shapes for a given model config.</summary>
public static class LoraTargets
{
    /// <summary>Attention projections (under self_attn).</summary>
    public static IReadOnlyList<string> Attention { get; } = ["q_proj", "k_proj", "v_proj", "o_proj"];
    /// <summary>Feed-forward projections (under mlp).</summary>
    public static IReadOnlyList<string> Mlp { get; } = ["gate_proj", "up_proj", "down_proj"];
    /// <summary>All seven, attention first (the paper's target set).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Attention, .. Mlp];

    /// <summary>Throws unless <paramref name="type"/> is one of <see cref="All"/>.</summary>
    public static void CheckName(string type)
    {
        if (!All.Contains(type))
            throw new ArgumentException($"'{type}' is not a LoRA target; known: {string.Join(", ", All)}.");
    }

    /// <summary>"self_attn" or "mlp": the sub-module that holds <paramref name="type"/> (HF key segment).</summary>
    public static string Group(string type)
    {
        CheckName(type);
        return Attention.Contains(type) ? "self_attn" : "mlp";
    }

    /// <summary>(in, out) features of projection <paramref name="type"/> in <paramref name="c"/>.</summary>
    public static (int In, int Out) Dims(ModelConfig c, string type)
    {
        int h = c.HiddenSize, q = c.NumAttentionHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim, ffn = c.IntermediateSize;
        return type switch
        {
            "q_proj" => (h, q),
            "k_proj" or "v_proj" => (h, kv),
            "o_proj" => (q, h),
            "gate_proj" or "up_proj" => (h, ffn),
            "down_proj" => (ffn, h),
            _ => throw new ArgumentException($"'{type}' is not a LoRA target; known: {string.Join(", ", All)}."),
        };
    }

    /// <summary>The HF module path of a projection, e.g. "model.layers.3.self_attn.q_proj".</summary>
    public static string ModulePath(int layer, string type) => $"model.layers.{layer}.{Group(type)}.{type}";
}
