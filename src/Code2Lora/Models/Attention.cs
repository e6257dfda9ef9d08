using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Models;

/// <summary>Grouped-query self-attention with RoPE (Qwen2: q/k/v bias; Qwen3: per-head q/k RMSNorm before RoPE).
/// Field names are the HF keys; projections can be swapped (e.g. for LoRA) with <see cref="SetProjection"/>.</summary>
public sealed class Attention : nn.Module
{
    private nn.Module<Tensor, Tensor> q_proj, k_proj, v_proj, o_proj;
    private readonly RmsNorm? q_norm, k_norm;
    private readonly int heads, kvHeads, headDim;

    /// <summary>Builds the projections on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public Attention(ModelConfig c, Device? device, ScalarType dtype) : base(nameof(Attention))
    {
        (heads, kvHeads, headDim) = (c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim);
        q_proj = nn.Linear(c.HiddenSize, heads * headDim, hasBias: c.AttentionBias, device: device, dtype: dtype);
        k_proj = nn.Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias, device: device, dtype: dtype);
        v_proj = nn.Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias, device: device, dtype: dtype);
        o_proj = nn.Linear(heads * headDim, c.HiddenSize, hasBias: c.OutputProjectionBias, device: device, dtype: dtype);
        if (c.QkNorm)
        {
            q_norm = new RmsNorm(headDim, c.RmsNormEps, device, dtype);
            k_norm = new RmsNorm(headDim, c.RmsNormEps, device, dtype);
        }
        RegisterComponents();
    }

    /// <summary>The projection registered under an HF name: "q_proj", "k_proj", "v_proj" or "o_proj".</summary>
    public nn.Module<Tensor, Tensor> Projection(string name) => name switch
    {
        "q_proj" => q_proj, "k_proj" => k_proj, "v_proj" => v_proj, "o_proj" => o_proj,
        _ => throw new ArgumentException($"no projection '{name}' (q_proj, k_proj, v_proj, o_proj)."),
    };

    /// <summary>Replaces a projection (e.g. with a LoRA wrapper around it) and re-registers it under the same name.</summary>
    public void SetProjection(string name, nn.Module<Tensor, Tensor> replacement)
    {
        _ = Projection(name);
        switch (name)
        {
            case "q_proj": q_proj = replacement; break;
            case "k_proj": k_proj = replacement; break;
            case "v_proj": v_proj = replacement; break;
            default: o_proj = replacement; break;
        }
        register_module(name, null!);   // TorchSharp removes the entry on null, then refuses duplicates
        register_module(name, replacement);
    }

    /// <summary>x [B,T,H] → [B,T,H]; <paramref name="allowed"/> is [B,1,T,S]; appends to <paramref name="cache"/> when given.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor allowed, KvCache? cache, int layerIndex)
    {
        using var scope = torch.NewDisposeScope();
        var (b, t) = (x.shape[0], x.shape[1]);
        var q = q_proj.forward(x).view(b, t, heads, headDim);
        var k = k_proj.forward(x).view(b, t, kvHeads, headDim);
        var v = v_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        if (q_norm is not null) { q = q_norm.forward(q); k = k_norm!.forward(k); }
        q = RotaryEmbedding.Apply(q.transpose(1, 2), cos, sin);
        k = RotaryEmbedding.Apply(k.transpose(1, 2), cos, sin);
        if (cache is not null) (k, v) = cache.Append(layerIndex, k, v);
        var groups = heads / kvHeads;
        if (groups > 1) { k = k.repeat_interleave(groups, dim: 1); v = v.repeat_interleave(groups, dim: 1); }
        var attended = MetaSafe.Attention(q, k, v, allowed);
        var merged = attended.transpose(1, 2).reshape(b, t, heads * headDim);
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
