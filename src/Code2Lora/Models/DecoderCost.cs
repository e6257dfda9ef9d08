namespace Code2Lora.Models;

/// <summary>What one pass of a <see cref="DecoderLM"/> costs, from its dimensions: the bytes autograd keeps per token and block for
/// the backward pass, the transient working set of a block, and FLOPs. Byte counts follow this implementation's saved tensors
/// (RmsNorm keeps its fp32 upcast; each LoRA slot keeps its fp32 copy of the detached input and its [T,r] down projection;
/// scaled_dot_product_attention keeps q, the GQA-repeated k and v, its output and log-sum-exp, plus the [heads,T,S] probabilities
/// when it falls back to the math kernel; the SwiGLU keeps gate, silu(gate) and up). Frozen projections keep nothing of their
/// input (no weight gradient), so the base itself costs no activation memory beyond these.</summary>
public static class DecoderCost
{
    /// <summary>Bytes per element of <paramref name="dtypeBytes"/>-wide base activations are given explicitly; LoRA deltas are fp32.</summary>
    private const int Fp32 = 4;

    /// <summary>Bytes autograd keeps per token per block in a training step through the frozen base with LoRA of rank
    /// <paramref name="loraRank"/> on all seven projections (0: no LoRA), base activations of <paramref name="dtypeBytes"/> bytes;
    /// <paramref name="mathAttentionKeys"/> &gt; 0 adds the math kernel's attention probabilities over that many keys.</summary>
    public static long SavedBytesPerTokenPerBlock(ModelConfig c, int dtypeBytes, int loraRank, long mathAttentionKeys = 0)
    {
        long h = c.HiddenSize, ffn = c.IntermediateSize, q = (long)c.NumAttentionHeads * c.HeadDim;
        var norms = 2 * h * Fp32;                                              // two RmsNorms keep their fp32 input
        long lora = 0;
        if (loraRank > 0)
        {
            // An fp32 base's detached input is the base tensor itself (q/k/v share the attention norm's output, gate/up the MLP
            // norm's); a bf16 base makes a fresh fp32 copy in every slot.
            var inputs = dtypeBytes == Fp32 ? 2 * h + h + ffn : 6 * h + ffn;
            lora = inputs * Fp32 + 7L * loraRank * Fp32;
        }
        var attention = 4 * q * dtypeBytes + c.NumAttentionHeads * (long)Fp32;  // q, k and v after GQA repetition, output; log-sum-exp
        var probabilities = mathAttentionKeys * c.NumAttentionHeads * dtypeBytes;
        var mlp = 3 * ffn * dtypeBytes;                                         // gate, silu(gate), up
        return norms + lora + attention + probabilities + mlp;
    }

    /// <summary>Peak transient bytes per token of one block's forward without a graph (inference, or a checkpointed forward): the
    /// residual stream, the normed input and its fp32 upcast, q/k/v (k and v repeated), the attention output, the three [T,ffn]
    /// MLP tensors, and the math kernel's scores over <paramref name="mathAttentionKeys"/> keys.</summary>
    public static long WorkingBytesPerToken(ModelConfig c, int dtypeBytes, long mathAttentionKeys = 0)
    {
        long h = c.HiddenSize, ffn = c.IntermediateSize, q = (long)c.NumAttentionHeads * c.HeadDim;
        return (2 * h + 4 * q + 3 * ffn) * dtypeBytes + h * Fp32 + 2 * mathAttentionKeys * c.NumAttentionHeads * dtypeBytes;
    }

    /// <summary>Parameters of the decoder blocks alone (the matmul weights every token passes through; embeddings excluded).</summary>
    public static long BlockParameters(ModelConfig c) =>
        DecoderLM.CountParameters(c) - (long)c.VocabSize * c.HiddenSize * (c.TieWordEmbeddings ? 1 : 2) - c.HiddenSize;

    /// <summary>FLOPs of one forward over <paramref name="tokens"/> tokens in sequences of <paramref name="sequenceLength"/>: 2 per
    /// block weight per token, causal attention 2·T²·(heads·head_dim) per block per sequence (QKᵀ and PV over half the square), and
    /// the LM head at <paramref name="headPositions"/> positions.</summary>
    public static double ForwardFlops(ModelConfig c, long tokens, long sequenceLength, long headPositions)
    {
        var sequences = Math.Max(1, tokens / Math.Max(1, sequenceLength));
        var attention = 2.0 * c.NumHiddenLayers * sequences * sequenceLength * (double)sequenceLength * c.NumAttentionHeads * c.HeadDim;
        return 2.0 * BlockParameters(c) * tokens + attention + 2.0 * headPositions * c.HiddenSize * c.VocabSize;
    }

    /// <summary>FLOPs of a training step through a frozen base: the forward, the backward to the activations (as much again for the
    /// matmuls, twice the forward for attention; no weight gradients), and one more forward of the blocks when they are
    /// checkpointed. <paramref name="trainBase"/> adds the weight gradients (full fine-tuning: 6 FLOPs per weight per token).</summary>
    public static double TrainingFlops(ModelConfig c, long tokens, long sequenceLength, long headPositions, bool checkpointed, bool trainBase = false)
    {
        var forward = ForwardFlops(c, tokens, sequenceLength, headPositions);
        var blocks = ForwardFlops(c, tokens, sequenceLength, 0);
        var weightGradients = trainBase ? 2.0 * DecoderLM.CountParameters(c) * tokens : 0;
        return forward + forward + (blocks - 2.0 * BlockParameters(c) * tokens) + (checkpointed ? blocks : 0) + weightGradients;
    }
}
