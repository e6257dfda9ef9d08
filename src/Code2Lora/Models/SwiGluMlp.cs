using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Models;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) * up(x)), no biases. Field names are the HF keys; projections can be
/// swapped (e.g. for LoRA) with <see cref="SetProjection"/>.</summary>
public sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> gate_proj, up_proj, down_proj;

    /// <summary>Builds the three projections on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public SwiGluMlp(ModelConfig c, Device? device, ScalarType dtype) : base(nameof(SwiGluMlp))
    {
        gate_proj = nn.Linear(c.HiddenSize, c.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        up_proj = nn.Linear(c.HiddenSize, c.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        down_proj = nn.Linear(c.IntermediateSize, c.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>The projection registered under an HF name: "gate_proj", "up_proj" or "down_proj".</summary>
    public nn.Module<Tensor, Tensor> Projection(string name) => name switch
    {
        "gate_proj" => gate_proj, "up_proj" => up_proj, "down_proj" => down_proj,
        _ => throw new ArgumentException($"no projection '{name}' (gate_proj, up_proj, down_proj)."),
    };

    /// <summary>Replaces a projection (e.g. with a LoRA wrapper around it) and re-registers it under the same name.</summary>
    public void SetProjection(string name, nn.Module<Tensor, Tensor> replacement)
    {
        _ = Projection(name);
        switch (name)
        {
            case "gate_proj": gate_proj = replacement; break;
            case "up_proj": up_proj = replacement; break;
            default: down_proj = replacement; break;
        }
        register_module(name, null!);   // TorchSharp removes the entry on null, then refuses duplicates
        register_module(name, replacement);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return down_proj.forward(F.silu(gate_proj.forward(x)) * up_proj.forward(x)).MoveToOuterDisposeScope();
    }
}
