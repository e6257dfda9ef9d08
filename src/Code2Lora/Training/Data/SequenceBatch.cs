using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Data;

/// <summary>Left-padded tensors of a batch of labelled sequences: ids [B,T], attention mask [B,T] (1 real, 0 pad), labels [B,T].</summary>
public sealed record SequenceBatch(Tensor Ids, Tensor Mask, Tensor Labels) : IDisposable
{
    /// <summary>Left-pads (as the paper does, so every sequence ends at the last position) with <paramref name="padId"/>.</summary>
    public static SequenceBatch Collate(IReadOnlyList<LabelledSequence> sequences, int padId, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sequences.Count);
        var length = sequences.Max(s => s.Ids.Length);
        var ids = new long[sequences.Count * length];
        var mask = new long[sequences.Count * length];
        var labels = new long[sequences.Count * length];
        Array.Fill(ids, padId);
        Array.Fill(labels, LabelledSequence.Ignore);
        for (var b = 0; b < sequences.Count; b++)
        {
            var s = sequences[b];
            var offset = b * length + length - s.Ids.Length;
            for (var i = 0; i < s.Ids.Length; i++) { ids[offset + i] = s.Ids[i]; mask[offset + i] = 1; labels[offset + i] = s.Labels[i]; }
        }
        long[] shape = [sequences.Count, length];
        return new SequenceBatch(torch.tensor(ids, shape, device: device), torch.tensor(mask, shape, device: device),
            torch.tensor(labels, shape, device: device));
    }

    /// <inheritdoc/>
    public void Dispose() { Ids.Dispose(); Mask.Dispose(); Labels.Dispose(); }
}
