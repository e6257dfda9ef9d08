using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>A sub-module holding state per batch row (per-example LoRA weights): when decoding drops finished rows from the
/// batch, it drops the same rows, so each remaining row is computed exactly as before.</summary>
public interface IPerRowState
{
    /// <summary>Keeps the rows at <paramref name="rows"/> [b] (int64, ascending) of state made for a batch of
    /// <paramref name="batchSize"/>; returns how to put the previous state back, or null when this module holds none.</summary>
    IDisposable? KeepRows(long batchSize, Tensor rows);
}
