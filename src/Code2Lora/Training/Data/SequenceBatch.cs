using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Data;

/// <summary>Left-padded tensors of a batch of labelled sequences: ids [B,T], attention mask [B,T] (1 real, 0 pad), labels [B,T].</summary>
public sealed record SequenceBatch(Tensor Ids, Tensor Mask, Tensor Labels) : IDisposable
{
    /// <summary>Flat positions (row × T + t) whose next token is labelled, in row-major order, known on the host when collating so
    /// the loss needs no data-dependent op on the device (no nonzero, no sync; it also runs on the meta device).</summary>
    public Tensor? Predicting { get; init; }

    /// <summary>The labels those positions predict, in the same order.</summary>
    public Tensor? Targets { get; init; }

    /// <summary>How many labelled tokens the batch has.</summary>
    public long TargetTokens { get; init; }

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
        // Position t predicts label t + 1 of its row, so the last position of a row predicts nothing.
        var predicting = new List<long>();
        var targets = new List<long>();
        for (var i = 0; i < labels.Length; i++)
            if ((i + 1) % length != 0 && labels[i + 1] != LabelledSequence.Ignore) { predicting.Add(i); targets.Add(labels[i + 1]); }
        return new SequenceBatch(torch.tensor(ids, shape, device: device), torch.tensor(mask, shape, device: device),
            torch.tensor(labels, shape, device: device))
        {
            Predicting = torch.tensor(predicting.ToArray(), device: device), Targets = torch.tensor(targets.ToArray(), device: device),
            TargetTokens = predicting.Count,
        };
    }

    /// <inheritdoc/>
    public void Dispose() { Ids.Dispose(); Mask.Dispose(); Labels.Dispose(); Predicting?.Dispose(); Targets?.Dispose(); }
}
