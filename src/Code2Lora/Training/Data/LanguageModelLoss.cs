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

    /// <summary>Summed CE and labelled-token count of each row of the batch (fp64 on the host), for per-example losses.</summary>
    public static (double Sum, long Tokens)[] PerRow(Tensor logits, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var (rows, vocab) = (logits.shape[0], logits.shape[^1]);
        var predicted = logits[TensorIndex.Colon, TensorIndex.Slice(null, -1)].reshape(-1, vocab).to(ScalarType.Float32);
        var wanted = labels[TensorIndex.Colon, TensorIndex.Slice(1, null)];
        var ce = F.cross_entropy(predicted, wanted.reshape(-1), ignore_index: LabelledSequence.Ignore, reduction: nn.Reduction.None)
            .view(rows, -1).to(ScalarType.Float64).sum(1).cpu().data<double>().ToArray();
        var counts = wanted.ne(LabelledSequence.Ignore).sum(1).cpu().data<long>().ToArray();
        return ce.Zip(counts).ToArray();
    }
}
