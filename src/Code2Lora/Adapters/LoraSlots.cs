using Code2Lora.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Adapters;

/// <summary>The <see cref="LoraLinear"/> wrappers installed in a <see cref="DecoderLM"/>: the one place adapters are put into,
/// taken out of, merged into and unmerged from a model.</summary>
public sealed class LoraSlots
{
    private readonly Dictionary<(int Layer, string Type), LoraLinear> slots;

    private LoraSlots(DecoderLM model, LoraConfig config, Dictionary<(int, string), LoraLinear> slots)
    {
        (Model, Config, this.slots) = (model, config, slots);
    }

    /// <summary>The model the slots live in.</summary>
    public DecoderLM Model { get; }

    /// <summary>Rank, α and the delta settings every slot uses.</summary>
    public LoraConfig Config { get; }

    /// <summary>Number of wrapped projections (layers × targets).</summary>
    public int Count => slots.Count;

    /// <summary>The wrapper of projection <paramref name="type"/> in layer <paramref name="layer"/>.</summary>
    public LoraLinear this[int layer, string type] =>
        slots.TryGetValue((layer, type), out var s) ? s : throw new KeyNotFoundException($"no LoRA slot for layer {layer} {type}; targets: {string.Join(", ", Config.TargetModules)}.");

    /// <summary>Replaces every target projection of <paramref name="model"/> by a <see cref="LoraLinear"/> that shares its weight and bias.
    /// State-dict keys and, until weights are set, the logits stay exactly those of the plain model.</summary>
    public static LoraSlots Install(DecoderLM model, LoraConfig config)
    {
        config.Validate();
        var slots = new Dictionary<(int, string), LoraLinear>();
        var layers = model.Backbone.Layers;
        for (var i = 0; i < layers.Count; i++)
        {
            foreach (var type in LoraTargets.All.Where(config.TargetModules.Contains))
            {
                var path = LoraTargets.ModulePath(i, type);
                var isAttention = LoraTargets.Group(type) == "self_attn";
                var current = isAttention ? layers[i].SelfAttention.Projection(type) : layers[i].Mlp.Projection(type);
                if (current is not Linear linear)
                    throw new InvalidOperationException($"{path} is a {current.GetType().Name}, not a Linear; LoRA is already installed in this model.");
                var wrapper = new LoraLinear(linear, config, path);
                if (isAttention) layers[i].SelfAttention.SetProjection(type, wrapper);
                else layers[i].Mlp.SetProjection(type, wrapper);
                slots[(i, type)] = wrapper;
            }
        }
        return new LoraSlots(model, config, slots);
    }

    /// <summary>Sets every slot from <paramref name="source"/> (a slot the source has nothing for gets no delta).</summary>
    public void Use(ILoraSource source)
    {
        // The slots own the scaling; an adapter trained or exported with another α/r would be silently rescaled.
        if (source is LoraAdapter adapter && adapter.Config.Scaling != Config.Scaling)
            throw new ArgumentException($"the adapter was made with α/r = {adapter.Config.Alpha}/{adapter.Config.Rank}, but the slots apply α/r = {Config.Alpha}/{Config.Rank}; install the slots with the adapter's config.");
        foreach (var ((layer, type), slot) in slots) slot.Weights = source.WeightsFor(layer, type);
    }

    /// <summary>Removes every delta: the model computes the plain base projections again.</summary>
    public void Clear()
    {
        foreach (var slot in slots.Values) slot.Weights = null;
    }

    /// <summary>Folds the installed (single-example) adapter into the base weights, for zero-overhead inference.</summary>
    public void Merge()
    {
        foreach (var slot in slots.Values) if (slot.Weights is not null) slot.Merge();
    }

    /// <summary>Undoes <see cref="Merge"/> (up to one rounding step of the weights' dtype; see <see cref="LoraLinear.Unmerge"/>).</summary>
    public void Unmerge()
    {
        foreach (var slot in slots.Values) slot.Unmerge();
    }

    /// <summary>True when any slot's adapter is currently merged.</summary>
    public bool IsMerged => slots.Values.Any(s => s.IsMerged);

    /// <summary>Sets requires_grad = false on every base parameter, so only the adapter (or the hypernetwork behind it) trains.</summary>
    public void FreezeBase()
    {
        foreach (var p in Model.parameters()) p.requires_grad = false;
    }
}
