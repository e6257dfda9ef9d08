using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Past keys/values per layer ([B, kv_heads, S, D], before GQA repetition) plus the running key padding mask.
/// Owns its tensors: they live outside any dispose scope until replaced or until <see cref="Dispose"/>.</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;
    private Tensor? mask;

    /// <summary>An empty cache for a model with <paramref name="numLayers"/> blocks.</summary>
    public KvCache(int numLayers)
    {
        keys = new Tensor?[numLayers];
        values = new Tensor?[numLayers];
    }

    /// <summary>Number of positions already cached (0 when empty).</summary>
    public long Length => mask?.shape[1] ?? 0;

    /// <summary>The key padding mask over all cached positions [B,S], or null when empty.</summary>
    public Tensor? Mask => mask;

    /// <summary>Extends the running mask by the mask of <paramref name="queryLength"/> new tokens ([B,T], or a full
    /// [B,S+T] mask as HF passes it) and returns the mask over all positions.</summary>
    internal Tensor ExtendMask(Tensor newMask, long queryLength)
    {
        var cached = Length;
        Tensor next;
        if (newMask.shape[1] == cached + queryLength) next = newMask.to(ScalarType.Int64, copy: true);
        else if (newMask.shape[1] == queryLength) next = torch.cat([mask!, newMask.to(ScalarType.Int64)], 1);
        else throw new ArgumentException($"attention mask has {newMask.shape[1]} columns; expected {queryLength} (new tokens) or {cached + queryLength} (cached + new).");
        Replace(ref mask, next);
        return next;
    }

    /// <summary>Appends this step's keys and values for one layer and returns the full ones.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var fullK = keys[layer] is { } pk ? torch.cat([pk, k], 2) : k.alias();
        var fullV = values[layer] is { } pv ? torch.cat([pv, v], 2) : v.alias();
        Replace(ref keys[layer], fullK);
        Replace(ref values[layer], fullV);
        return (fullK, fullV);
    }

    /// <summary>Keeps only the batch rows at <paramref name="rows"/> [b] (int64, ascending) of every cached key, value and mask row:
    /// decoding drops rows that have finished, and each remaining row's attention sees exactly what it saw before.</summary>
    public void KeepRows(Tensor rows)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } k) Replace(ref keys[i], k.index_select(0, rows));
            if (values[i] is { } v) Replace(ref values[i], v.index_select(0, rows));
        }
        if (mask is { } m) Replace(ref mask, m.index_select(0, rows));
    }

    private static void Replace(ref Tensor? slot, Tensor next)
    {
        next.DetachFromDisposeScope();
        slot?.Dispose();
        slot = next;
    }

    /// <summary>Frees every cached tensor.</summary>
    public void Dispose()
    {
        for (var i = 0; i < keys.Length; i++) { keys[i]?.Dispose(); keys[i] = null; values[i]?.Dispose(); values[i] = null; }
        mask?.Dispose();
        mask = null;
    }
}
