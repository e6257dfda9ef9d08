using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Models;

/// <summary>The few ops whose LibTorch 2.10 C++ build has no "meta" kernel (forward or backward), for shape-only dry runs at the
/// paper's size. Every real device runs the torch op itself; on meta the same math is spelled out with ops that have meta kernels,
/// so shapes, dtypes and device handling are exercised exactly, with no storage.</summary>
public static class MetaSafe
{
    private static bool IsMeta(Tensor t) => t.device.type == DeviceType.META;

    /// <summary>Rows <paramref name="index"/> [N] of <paramref name="table"/> [R,C] → [N,C], differentiable with respect to the table
    /// (index_select; on meta a gather, whose backward scatter_add has a meta kernel).</summary>
    public static Tensor Rows(Tensor table, Tensor index)
    {
        if (!IsMeta(table)) return table.index_select(0, index);
        using var expanded = index.unsqueeze(1).expand(index.shape[0], table.shape[1]);
        return table.gather(0, expanded);
    }

    /// <summary>clamp(x, min, max). On meta the clamp is left out: its backward needs logical_and and where, which have no meta
    /// kernel, and a dry run has no values to bound.</summary>
    public static Tensor Clamp(Tensor x, double min, double max) => IsMeta(x) ? x.alias() : x.clamp(min, max);

    /// <summary>softmax(q kᵀ / √d, masked) v over [B,heads,T,D] with a boolean mask [B,1,T,S]: torch's scaled_dot_product_attention
    /// (fused kernels); on meta, where SDPA's fallback needs `where`, the same math with an additive mask.</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, Tensor allowed)
    {
        if (!IsMeta(q)) return F.scaled_dot_product_attention(q, k, v, attn_mask: allowed);
        using var scope = torch.NewDisposeScope();
        var bias = (allowed.to(q.dtype) - 1) * 1e30;
        var scores = torch.matmul(q, k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1]) + bias;
        return torch.matmul(scores.softmax(-1), v).MoveToOuterDisposeScope();
    }

    /// <summary>layer_norm over the last dimension (LibTorch lowers it to native_batch_norm on meta, which has no meta kernel).</summary>
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        if (!IsMeta(x)) return F.layer_norm(x, [weight.shape[0]], weight, bias, eps);
        using var scope = torch.NewDisposeScope();
        var mean = x.mean([-1L], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1L], keepdim: true);
        return ((x - mean) * torch.rsqrt(variance + eps) * weight + bias).MoveToOuterDisposeScope();
    }

    /// <summary>x / max(‖x‖₂, 1e-12) over the last dimension (F.normalize; on meta without the clamp, whose backward needs `where`).</summary>
    public static Tensor Normalize(Tensor x)
    {
        if (!IsMeta(x)) return F.normalize(x, p: 2, dim: -1);
        using var norm = x.norm(-1, keepdim: true);
        return x / norm;
    }
}
