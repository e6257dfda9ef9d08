using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Adapters;

/// <summary>One trainable (A, B) pair: lora_A [r,in], lora_B [out,r].</summary>
public sealed class LoraPair : nn.Module
{
    private readonly Parameter lora_A, lora_B;

    /// <summary>PEFT's default init: A kaiming-uniform (a = √5, like nn.Linear), B zero, so the delta starts at exactly zero.</summary>
    public LoraPair(long inFeatures, long outFeatures, long rank, Device? device, ScalarType dtype) : base(nameof(LoraPair))
    {
        lora_A = nn.Parameter(torch.empty(rank, inFeatures, dtype: dtype, device: device));
        lora_B = nn.Parameter(torch.zeros(outFeatures, rank, dtype: dtype, device: device));
        using (torch.no_grad()) nn.init.kaiming_uniform_(lora_A, a: Math.Sqrt(5));
        RegisterComponents();
    }

    /// <summary>A [r,in].</summary>
    public Parameter A => lora_A;

    /// <summary>B [out,r].</summary>
    public Parameter B => lora_B;
}
