using Code2Lora.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Training.Data;

/// <summary>Next-token cross-entropy over labelled positions (labels aligned with ids; the shift happens here, as in HF).</summary>
public static class LanguageModelLoss
{
    /// <summary>Summed CE (fp32) over positions whose label is not −100, and how many there are.</summary>
    public static (Tensor Sum, long Tokens) TokenSum(Tensor logits, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var vocab = logits.shape[^1];
        var predicted = logits[TensorIndex.Colon, TensorIndex.Slice(null, -1)].reshape(-1, vocab).to(ScalarType.Float32);
        var wanted = labels[TensorIndex.Colon, TensorIndex.Slice(1, null)].reshape(-1);
        var sum = F.cross_entropy(predicted, wanted, ignore_index: LabelledSequence.Ignore, reduction: nn.Reduction.Sum);
        var tokens = wanted.ne(LabelledSequence.Ignore).sum().item<long>();
        return (sum.MoveToOuterDisposeScope(), tokens);
    }

    /// <summary>Summed CE (fp32) and labelled-token count of <paramref name="model"/> on (ids, mask, labels), with the LM head run
    /// only at the positions that predict a label: the same value as <c>TokenSum(model.Forward(ids, mask), labels)</c> up to
    /// float rounding, at a fraction of the cost when few positions are labelled (completion targets).</summary>
    public static (Tensor Sum, long Tokens) TokenSum(DecoderLM model, Tensor ids, Tensor? mask, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var (logits, wanted, _) = Labelled(model, ids, mask, labels);
        var sum = F.cross_entropy(logits, wanted, reduction: nn.Reduction.Sum);
        return (sum.MoveToOuterDisposeScope(), wanted.shape[0]);
    }

    /// <summary>Summed CE (fp32) and labelled-token count of <paramref name="model"/> on a collated batch, with the LM head run only at
    /// the positions the batch lists as predicting a label (found on the host when collating: no device sync, meta-device safe).</summary>
    public static (Tensor Sum, long Tokens) TokenSum(DecoderLM model, SequenceBatch batch)
    {
        if (batch.Predicting is null || batch.Targets is null) return TokenSum(model, batch.Ids, batch.Mask, batch.Labels);
        using var scope = torch.NewDisposeScope();
        var logits = model.LogitsAtIndex(batch.Ids, batch.Mask, batch.Predicting).to(ScalarType.Float32);
        var sum = F.cross_entropy(logits, batch.Targets, reduction: nn.Reduction.Sum);
        return (sum.MoveToOuterDisposeScope(), batch.TargetTokens);
    }

    /// <summary>Per-row summed CE and labelled-token count of <paramref name="model"/> (the LM head only where a label is
    /// predicted), fp64 on the host.</summary>
    public static (double Sum, long Tokens)[] PerRow(DecoderLM model, Tensor ids, Tensor? mask, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var (logits, wanted, rows) = Labelled(model, ids, mask, labels);
        var ce = F.cross_entropy(logits, wanted, reduction: nn.Reduction.None).to(ScalarType.Float64);
        var sums = torch.zeros(ids.shape[0], dtype: ScalarType.Float64, device: ce.device).index_add_(0, rows, ce, 1).cpu().data<double>().ToArray();
        var counts = labels[TensorIndex.Colon, TensorIndex.Slice(1, null)].ne(LabelledSequence.Ignore).sum(1).cpu().data<long>().ToArray();
        return sums.Zip(counts).ToArray();
    }

    /// <summary>Logits (fp32) at the positions that predict a label, the labels they predict and each one's row.</summary>
    private static (Tensor Logits, Tensor Wanted, Tensor Rows) Labelled(DecoderLM model, Tensor ids, Tensor? mask, Tensor labels)
    {
        var next = labels[TensorIndex.Colon, TensorIndex.Slice(1, null)];
        var keep = next.ne(LabelledSequence.Ignore);
        // Position t predicts label t + 1, so the last position predicts nothing.
        var at = torch.cat([keep, torch.zeros_like(keep[TensorIndex.Colon, TensorIndex.Slice(null, 1)])], 1);
        var logits = model.LogitsAt(ids, mask, at).to(ScalarType.Float32);
        return (logits, next.masked_select(keep), at.nonzero()[TensorIndex.Colon, 0]);
    }
}
