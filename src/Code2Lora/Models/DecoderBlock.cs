using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Pre-norm block: x + attn(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class DecoderBlock : nn.Module
{
    private readonly Attention self_attn;
    private readonly SwiGluMlp mlp;
    private readonly RmsNorm input_layernorm, post_attention_layernorm;

    /// <summary>Builds one block on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public DecoderBlock(ModelConfig c, Device? device, ScalarType dtype) : base(nameof(DecoderBlock))
    {
        self_attn = new Attention(c, device, dtype);
        mlp = new SwiGluMlp(c, device, dtype);
        input_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        post_attention_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    /// <summary>The attention sub-module (to swap projections for adapters).</summary>
    public Attention SelfAttention => self_attn;

    /// <summary>The feed-forward sub-module (to swap projections for adapters).</summary>
    public SwiGluMlp Mlp => mlp;

    /// <summary>The seven projections (q, k, v, o, gate, up, down) as currently installed (plain Linear or an adapter wrapper).</summary>
    public IEnumerable<nn.Module<Tensor, Tensor>> Projections() =>
        new[] { "q_proj", "k_proj", "v_proj", "o_proj" }.Select(self_attn.Projection)
            .Concat(new[] { "gate_proj", "up_proj", "down_proj" }.Select(mlp.Projection));

    /// <summary>One block over x [B,T,H].</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor allowed, KvCache? cache, int layerIndex)
    {
        using var scope = torch.NewDisposeScope();
        var h = x + self_attn.Forward(input_layernorm.forward(x), cos, sin, allowed, cache, layerIndex);
        return (h + mlp.forward(post_attention_layernorm.forward(h))).MoveToOuterDisposeScope();
    }
}
