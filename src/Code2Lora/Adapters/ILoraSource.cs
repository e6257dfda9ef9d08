namespace Code2Lora.Adapters;

/// <summary>Anything that supplies (A, B) for a projection of a layer: a trainable adapter, a generated one, a loaded file.</summary>
public interface ILoraSource
{
    /// <summary>The pair for projection <paramref name="type"/> of layer <paramref name="layer"/>, or null to leave it without a delta.</summary>
    LoraWeights? WeightsFor(int layer, string type);
}
