using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Models;

/// <summary>Decoder-only causal LM (Qwen2/Qwen3/Llama family) whose parameter names equal the HF checkpoint keys
/// (model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, …, lm_head.weight when untied).</summary>
public sealed class DecoderLM : nn.Module<Tensor, Tensor>
{
    private readonly DecoderBackbone model;
    private readonly Linear? lm_head;

    /// <summary>The config the module was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Builds the model on <paramref name="device"/> (CPU when null) in <paramref name="dtype"/>, initialised like HF
    /// (normal(0, 0.02) matrices, zero biases, unit norms) from torch's current seed.</summary>
    public DecoderLM(ModelConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32) : base(nameof(DecoderLM))
    {
        Config = config.Validate();
        model = new DecoderBackbone(config, device, dtype);
        if (!config.TieWordEmbeddings)
            lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
        InitialiseWeights();
    }

    /// <summary>The HF "model" sub-module (embeddings, blocks, final norm).</summary>
    public DecoderBackbone Backbone => model;

    /// <summary>Recompute each decoder block in the backward pass instead of keeping its activations (see
    /// <see cref="DecoderBackbone.ActivationCheckpointing"/>): the paper's setting at 8,192 tokens.</summary>
    public bool ActivationCheckpointing { get => model.ActivationCheckpointing; set => model.ActivationCheckpointing = value; }

    /// <summary>The device the parameters live on.</summary>
    public Device Device => model.EmbeddingWeight.device;

    /// <summary>The parameters' dtype.</summary>
    public ScalarType DType => model.EmbeddingWeight.dtype;

    /// <summary>Logits [B,T,V] for token ids [B,T].</summary>
    public override Tensor forward(Tensor inputIds) => Forward(inputIds);

    /// <summary>Logits [B,T,V]; <paramref name="attentionMask"/> [B,T] holds 1 for real tokens and 0 for left padding
    /// (with a cache: the new tokens' mask, or the full cached+new mask); positions come from the mask.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, KvCache? cache = null)
    {
        using var scope = torch.NewDisposeScope();
        return Head(model.Forward(inputIds, attentionMask, cache)).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [B,V] of the last position only (decoding): the LM head, a third of a small model's prefill at an 8k
    /// vocabulary, runs once per row instead of once per prompt token.</summary>
    public Tensor ForwardLast(Tensor inputIds, Tensor? attentionMask = null, KvCache? cache = null)
    {
        using var scope = torch.NewDisposeScope();
        var h = model.Forward(inputIds, attentionMask, cache);
        return Head(h[TensorIndex.Colon, -1]).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [N,V] of the positions where <paramref name="positions"/> [B,T] (bool) is true, in row-major order: a
    /// completion loss needs the few target positions, not all of them.</summary>
    public Tensor LogitsAt(Tensor inputIds, Tensor? attentionMask, Tensor positions)
    {
        using var index = positions.reshape(-1).nonzero().squeeze(1);
        return LogitsAtIndex(inputIds, attentionMask, index);
    }

    /// <summary>Logits [N,V] at the flat positions <paramref name="flatIndex"/> [N] (row × T + t): the LM head, whose [B,T,V] output is
    /// the largest activation of a step at a 152k vocabulary, runs only where a loss is taken.</summary>
    public Tensor LogitsAtIndex(Tensor inputIds, Tensor? attentionMask, Tensor flatIndex)
    {
        using var scope = torch.NewDisposeScope();
        var h = model.Forward(inputIds, attentionMask, null);
        return Head(MetaSafe.Rows(h.reshape(-1, h.shape[^1]), flatIndex)).MoveToOuterDisposeScope();
    }

    private Tensor Head(Tensor h) => lm_head is null ? F.linear(h, model.EmbeddingWeight) : lm_head.forward(h);

    /// <summary>Final-norm hidden states [B,T,H] (pooling, e.g. a masked mean, is the caller's job).</summary>
    public Tensor HiddenStates(Tensor inputIds, Tensor? attentionMask = null) => model.Forward(inputIds, attentionMask, null);

    /// <summary>An empty KV cache sized for this model.</summary>
    public KvCache NewCache() => new(Config.NumHiddenLayers);

    /// <summary>Parameter count from the dimensions alone (nothing is allocated); equals the instantiated module's count.</summary>
    public static long CountParameters(ModelConfig c)
    {
        long h = c.HiddenSize, d = c.HeadDim, q = (long)c.NumAttentionHeads * d, kv = (long)c.NumKeyValueHeads * d;
        var attention = h * q + 2 * h * kv + q * h
                        + (c.AttentionBias ? q + 2 * kv : 0) + (c.OutputProjectionBias ? h : 0)
                        + (c.QkNorm ? 2 * d : 0);
        var mlp = 3 * h * c.IntermediateSize;
        var block = attention + mlp + 2 * h;
        var embeddings = (long)c.VocabSize * h;
        return embeddings + c.NumHiddenLayers * block + h + (c.TieWordEmbeddings ? 0 : embeddings);
    }

    private void InitialiseWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) continue;       // RMSNorm weights stay at one
            if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else if (p.dtype == ScalarType.Float32 || p.device.type == DeviceType.META) nn.init.normal_(p, 0.0, 0.02);
            else
            {
                // LibTorch's CPU normal_ on bf16 is a slow serial loop (minutes for a 1.5B model); draw in fp32, then cast.
                using var draw = torch.empty(p.shape, ScalarType.Float32, p.device);
                nn.init.normal_(draw, 0.0, 0.02);
                p.copy_(draw);
            }
        }
    }
}
