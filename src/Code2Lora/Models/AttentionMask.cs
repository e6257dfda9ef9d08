using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Turns a key padding mask into position ids and a boolean causal+padding mask, the way HF does for left padding.</summary>
public static class AttentionMask
{
    /// <summary>Position ids [B,T] of the last T keys: cumsum(mask) - 1, with pads set to 1 (HF generate's convention).</summary>
    public static Tensor PositionIds(Tensor keyMask, long queryLength)
    {
        using var scope = torch.NewDisposeScope();
        var m = keyMask.to(ScalarType.Int64);
        var positions = (m.cumsum(1) - 1).masked_fill(m.eq(0), 1);
        var keys = m.shape[1];
        return positions[TensorIndex.Colon, TensorIndex.Slice(keys - queryLength)].contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Allowed[b,1,t,s]: query t (the last T of S positions) may see key s. Rows with nothing allowed (padding
    /// queries) are opened fully so softmax never sees an all -inf row; their outputs are never used.</summary>
    public static Tensor Allowed(Tensor keyMask, long queryLength)
    {
        using var scope = torch.NewDisposeScope();
        var keys = keyMask.shape[1];
        var causal = torch.ones(queryLength, keys, dtype: ScalarType.Bool, device: keyMask.device).tril(keys - queryLength);
        var allowed = causal.unsqueeze(0).unsqueeze(0) & keyMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        var empty = allowed.any(-1, keepdim: true).bitwise_not();   // logical_not has no meta kernel
        return (allowed | empty).MoveToOuterDisposeScope();
    }
}
