using Code2Lora.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Adapters;

/// <summary>A trainable LoRA with its own (A, B) per layer and target (single shared LoRA, per-repo LoRA, or a loaded PEFT file).
/// Parameter names are "layers.{i}.{type}.lora_A"; its parameters are what an optimizer trains.</summary>
public sealed class LoraAdapter : nn.Module, ILoraSource
{
    private readonly ModuleList<ModuleDict<LoraPair>> layers;

    /// <summary>A fresh adapter for <paramref name="model"/> shaped by <paramref name="config"/>, PEFT-initialised from torch's current seed.</summary>
    public LoraAdapter(ModelConfig model, LoraConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32) : base(nameof(LoraAdapter))
    {
        Config = config.Validate();
        layers = nn.ModuleList(Enumerable.Range(0, model.NumHiddenLayers).Select(_ =>
            nn.ModuleDict(config.SortedTargets.Select(t =>
            {
                var (i, o) = LoraTargets.Dims(model, t);
                return (t, new LoraPair(i, o, config.Rank, device, dtype));
            }).ToArray())).ToArray());
        RegisterComponents();
    }

    /// <summary>Rank, α and targets of this adapter.</summary>
    public LoraConfig Config { get; }

    /// <summary>Number of layers covered.</summary>
    public int LayerCount => layers.Count;

    /// <summary>The pair of layer <paramref name="layer"/>, projection <paramref name="type"/>.</summary>
    public LoraPair Pair(int layer, string type) =>
        layer >= 0 && layer < layers.Count && layers[layer].TryGetValue(type, out var pair)
            ? pair
            : throw new KeyNotFoundException($"the adapter has no pair for layer {layer} {type} ({layers.Count} layers; targets {string.Join(", ", Config.TargetModules)}).");

    /// <inheritdoc/>
    public LoraWeights? WeightsFor(int layer, string type) =>
        layer < layers.Count && layers[layer].TryGetValue(type, out var pair) ? new LoraWeights(pair.A, pair.B) : null;
}
