using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Rotary position embedding, HF "rotate_half" convention (first and second halves of head_dim pair up).</summary>
public static class RotaryEmbedding
{
    /// <summary>cos and sin tables [B,T,D] for the given positions [B,T], computed in float32 then cast to <paramref name="dtype"/>.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positionIds, int headDim, double theta, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var device = positionIds.device;
        // inv_freq = 1 / theta^(arange(0, d, 2) / d), as HF computes it (int64 arange → float32).
        var exponent = torch.arange(0, headDim, 2, dtype: ScalarType.Int64, device: device).to(ScalarType.Float32) / headDim;
        var invFreq = 1.0f / torch.pow(torch.tensor(theta, dtype: ScalarType.Float32, device: device), exponent);
        var freqs = positionIds.to(ScalarType.Float32).unsqueeze(-1) * invFreq;          // [B,T,D/2]
        var emb = torch.cat([freqs, freqs], -1);                                          // [B,T,D]
        return (emb.cos().to(dtype).MoveToOuterDisposeScope(), emb.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x [B,heads,T,D] by the tables [B,T,D]: x·cos + rotate_half(x)·sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var c = cos.unsqueeze(1);
        var s = sin.unsqueeze(1);
        return (x * c + RotateHalf(x) * s).MoveToOuterDisposeScope();
    }

    /// <summary>[x1, x2] → [-x2, x1] over the last dimension.</summary>
    public static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        using var x1 = x[TensorIndex.Ellipsis, TensorIndex.Slice(0, half)];
        using var x2 = x[TensorIndex.Ellipsis, TensorIndex.Slice(half)];
        using var neg = x2.neg();
        return torch.cat([neg, x1], -1);
    }
}
