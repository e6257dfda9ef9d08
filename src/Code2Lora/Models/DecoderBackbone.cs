using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>The HF "model" sub-module: embed_tokens → layers → norm; yields final-norm hidden states.</summary>
public sealed class DecoderBackbone : nn.Module
{
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<DecoderBlock> layers;
    private readonly RmsNorm norm;
    private readonly ModelConfig config;

    /// <summary>Builds the embedding, blocks and final norm on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public DecoderBackbone(ModelConfig c, Device? device, ScalarType dtype) : base(nameof(DecoderBackbone))
    {
        config = c;
        embed_tokens = new TokenEmbedding(c.VocabSize, c.HiddenSize, device, dtype);
        layers = nn.ModuleList(Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new DecoderBlock(c, device, dtype)).ToArray());
        norm = new RmsNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    /// <summary>embed_tokens.weight (the tied output head reads it too).</summary>
    public Parameter EmbeddingWeight => embed_tokens.Weight;

    /// <summary>Recompute each block in the backward pass instead of keeping its activations (<see cref="CheckpointedBlock"/>); applies
    /// to forwards that build a graph (gradients on, no KV cache). Off by default.</summary>
    public bool ActivationCheckpointing { get; set; }

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<DecoderBlock> Layers => layers.ToList();

    /// <summary>Token ids [B,T] → hidden states [B,T,H] after the final norm.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, KvCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        var (b, t) = (inputIds.shape[0], inputIds.shape[1]);
        var device = inputIds.device;
        var stepMask = attentionMask ?? torch.ones(b, t, dtype: ScalarType.Int64, device: device);
        var keyMask = cache is null ? stepMask : cache.ExtendMask(stepMask, t);
        if (cache is null && keyMask.shape[1] != t)
            throw new ArgumentException($"attention mask has {keyMask.shape[1]} columns but input has {t} tokens.");
        var positions = AttentionMask.PositionIds(keyMask, t);
        var allowed = AttentionMask.Allowed(keyMask, t);
        var h = embed_tokens.forward(inputIds);
        var (cos, sin) = RotaryEmbedding.Tables(positions, config.HeadDim, config.RopeTheta, h.dtype);
        if (ActivationCheckpointing && cache is null && torch.is_grad_enabled())
        {
            using var shared = new SharedBlockInputs(cos, sin, allowed);
            for (var i = 0; i < layers.Count; i++) h = CheckpointedBlock.Run(layers[i], i, h, shared);
        }
        else
            for (var i = 0; i < layers.Count; i++) h = layers[i].Forward(h, cos, sin, allowed, cache, i);
        return norm.forward(h).MoveToOuterDisposeScope();
    }
}
