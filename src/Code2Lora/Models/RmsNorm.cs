using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>RMSNorm as in HF Qwen2/Llama: normalise in float32, cast back to the input dtype, then scale by weight.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    /// <summary>A norm over the last dimension of size <paramref name="size"/>, weight initialised to ones.</summary>
    public RmsNorm(long size, double eps, Device? device = null, ScalarType dtype = ScalarType.Float32) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(torch.ones(size, dtype: dtype, device: device));
        this.eps = eps;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => Normalize(x, weight, eps);

    /// <summary>The math on its own, for known-answer tests and callers holding a bare weight.</summary>
    public static Tensor Normalize(Tensor x, Tensor weight, double eps)
    {
        using var scope = torch.NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var variance = x32.pow(2).mean([-1L], keepdim: true);
        var normed = (x32 * torch.rsqrt(variance + eps)).to(x.dtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }
}
