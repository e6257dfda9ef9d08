using static TorchSharp.torch;

namespace Code2Lora.Adapters;

/// <summary>Per-example adapters produced by a hypernetwork, kept in the graph (never detached) so the LM loss trains the producer.
/// Per target type: A [batch,r,in] and B [batch,out,r] shared by all layers (the paper), or A [batch,L,r,in] and
/// B [batch,L,out,r] with one pair per layer.</summary>
public sealed class GeneratedAdapter : ILoraSource, IDisposable
{
    /// <summary>Wraps the head's outputs; every type must have both A and B with a common batch size.</summary>
    public GeneratedAdapter(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b)
    {
        if (a.Count == 0 || !a.Keys.OrderBy(k => k).SequenceEqual(b.Keys.OrderBy(k => k)))
            throw new ArgumentException($"generated adapter has A for [{string.Join(", ", a.Keys)}] but B for [{string.Join(", ", b.Keys)}].");
        var rank = a.Values.First().dim();
        if (rank is not (3 or 4) || a.Values.Concat(b.Values).Any(t => t.dim() != rank))
            throw new ArgumentException("generated adapter tensors must all be [batch,r,in]/[batch,out,r] (shared) or [batch,L,r,in]/[batch,L,out,r] (per layer).");
        BatchSize = a.Values.First().shape[0];
        if (a.Values.Concat(b.Values).Any(t => t.shape[0] != BatchSize))
            throw new ArgumentException("generated adapter tensors disagree on the batch size.");
        (A, B, PerLayer) = (a, b, rank == 4);
    }

    /// <summary>A per type.</summary>
    public IReadOnlyDictionary<string, Tensor> A { get; }

    /// <summary>B per type.</summary>
    public IReadOnlyDictionary<string, Tensor> B { get; }

    /// <summary>Number of examples (repositories) in the batch.</summary>
    public long BatchSize { get; }

    /// <summary>True when every layer has its own pair (per-layer conditioning).</summary>
    public bool PerLayer { get; }

    /// <inheritdoc/>
    public LoraWeights? WeightsFor(int layer, string type)
    {
        if (!A.TryGetValue(type, out var a)) return null;
        var b = B[type];
        if (!PerLayer) return new LoraWeights(a, b);
        if (layer >= a.shape[1]) throw new ArgumentException($"generated adapter has {a.shape[1]} layers, asked for layer {layer}.");
        return new LoraWeights(a.select(1, layer), b.select(1, layer));
    }

    /// <summary>Example <paramref name="index"/> alone (a batch of one, still in the graph): for merging or exporting one repository's adapter.</summary>
    public GeneratedAdapter Row(long index)
    {
        if (index < 0 || index >= BatchSize) throw new ArgumentOutOfRangeException(nameof(index), $"row {index} of a batch of {BatchSize}.");
        return new GeneratedAdapter(
            A.ToDictionary(kv => kv.Key, kv => kv.Value.narrow(0, index, 1)),
            B.ToDictionary(kv => kv.Key, kv => kv.Value.narrow(0, index, 1)));
    }

    /// <summary>Disposes the tensors held.</summary>
    public void Dispose()
    {
        foreach (var t in A.Values.Concat(B.Values)) t.Dispose();
    }
}
