using Code2Lora.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Evaluation.Methods;

/// <summary>The average weight change of a head's adapters over a set of contexts, used for every task (the mean-adapter control: if
/// it scores like the per-repository adapters, the head has collapsed to one shared adapter). It is the mean of the products,
/// (1/n)·Σᵢ Bᵢ·Aᵢ per layer and projection, not mean(B)·mean(A), which is another adapter altogether (for a head whose factors vary
/// it can cost more than a nat). The mean is kept exactly as one low-rank pair: the n pairs side by side (rank n·r, B scaled by 1/n)
/// while n·r ≤ min(in, out), else the dense product with an identity factor (rank min(in, out)). The slots' α/r applies unchanged.</summary>
public sealed class MeanAdapter : ILoraSource, IDisposable
{
    private readonly Dictionary<(int Layer, string Type), (Tensor A, Tensor B)> _pairs = new();

    /// <summary>The mean weight change of <paramref name="head"/>'s adapters for the rows of <paramref name="contexts"/> [n, InputDim]
    /// (per layer for a per-layer head); <paramref name="layers"/> is the model's layer count.</summary>
    public MeanAdapter(nn.Module<Tensor, GeneratedAdapter> head, Tensor contexts, int layers)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var generated = head.forward(contexts);                                          // freed with the scope
        var n = generated.BatchSize;
        for (var layer = 0; layer < layers; layer++)
            foreach (var type in generated.A.Keys)
            {
                var w = generated.WeightsFor(layer, type)!;
                var (a, b) = (w.A.to(ScalarType.Float32), w.B.to(ScalarType.Float32));          // [n,r,in], [n,out,r]
                long r = a.shape[1], inDim = a.shape[2], outDim = b.shape[1];
                var stackedA = a.reshape(n * r, inDim);                                            // row i·r + j = Aᵢ[j]
                var stackedB = b.permute(1, 0, 2).reshape(outDim, n * r) / n;                     // column i·r + j = Bᵢ[:, j] / n
                (Tensor A, Tensor B) pair;
                if (n * r <= Math.Min(inDim, outDim)) pair = (stackedA, stackedB);
                else
                {
                    var delta = stackedB.matmul(stackedA);                                         // [out,in] = (1/n) Σᵢ Bᵢ Aᵢ
                    pair = inDim <= outDim ? (torch.eye(inDim, device: delta.device), delta) : (delta, torch.eye(outDim, device: delta.device));
                }
                _pairs[(layer, type)] = (pair.A.contiguous().MoveToOuterDisposeScope(), pair.B.contiguous().MoveToOuterDisposeScope());
            }
    }

    /// <inheritdoc />
    public LoraWeights? WeightsFor(int layer, string type) =>
        _pairs.TryGetValue((layer, type), out var p) ? new LoraWeights(p.A, p.B) { Combined = true } : null;

    /// <summary>Frees the averaged tensors.</summary>
    public void Dispose()
    {
        foreach (var (a, b) in _pairs.Values) { a.Dispose(); b.Dispose(); }
        _pairs.Clear();
    }
}
