using static TorchSharp.torch;

namespace Code2Lora.Adapters;

/// <summary>One projection's low-rank pair: A [r,in] and B [out,r] shared by the batch, or A [batch,r,in] and B [batch,out,r]
/// per example. The tensors are used as given (never detached), so gradients reach whatever produced them.</summary>
public sealed record LoraWeights(Tensor A, Tensor B)
{
    /// <summary>True for per-example [batch,…] tensors.</summary>
    public bool IsBatched => A.dim() == 3;

    /// <summary>Rank r.</summary>
    public long Rank => A.shape[^2];

    /// <summary>True for a pair that stands for a combination of several adapters (the exact mean of n rank-r adapters, see
    /// <see cref="Evaluation.Methods.MeanAdapter"/>): its rank is not the slot's, while the slot's α/r still applies.</summary>
    public bool Combined { get; init; }

    /// <summary>Throws a readable error unless A and B fit a projection of <paramref name="inFeatures"/>→<paramref name="outFeatures"/> at <paramref name="rank"/>.</summary>
    public void Check(string where, long inFeatures, long outFeatures, long rank)
    {
        string Shape(Tensor t) => $"[{string.Join(",", t.shape)}]";
        var ok = A.dim() == B.dim() && A.dim() is 2 or 3
                 && (Combined || A.shape[^2] == rank) && A.shape[^1] == inFeatures
                 && B.shape[^2] == outFeatures && B.shape[^1] == A.shape[^2]
                 && (A.dim() == 2 || A.shape[0] == B.shape[0]);
        if (!ok)
            throw new ArgumentException($"{where}: LoRA A {Shape(A)} / B {Shape(B)} do not fit; expected A [r={rank},in={inFeatures}] and " +
                                        $"B [out={outFeatures},r={rank}], optionally with the same leading batch dimension.");
    }
}
