using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Code2Lora.Models;

namespace Code2Lora.Hyper;

/// <summary>torch.nn.LayerNorm over the last dimension (parameters "weight", init one, and "bias", init zero, as torch's) whose forward
/// also runs on the "meta" device (<see cref="MetaSafe.LayerNorm"/>); every real device runs torch's own layer_norm.</summary>
public sealed class MetaSafeLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight, bias;
    private readonly double eps;

    /// <summary>A norm over a last dimension of <paramref name="size"/> with torch's default eps (1e-5).</summary>
    public MetaSafeLayerNorm(long size, double eps = 1e-5, Device? device = null) : base(nameof(MetaSafeLayerNorm))
    {
        weight = nn.Parameter(torch.ones(size, device: device));
        bias = nn.Parameter(torch.zeros(size, device: device));
        this.eps = eps;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => MetaSafe.LayerNorm(x, weight, bias, eps);
}
