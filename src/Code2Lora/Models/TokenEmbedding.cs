using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Token embedding table with one "weight" parameter, created directly on the target device and dtype
/// (TorchSharp's nn.Embedding first materialises an fp32 table on the CPU, which defeats meta-device dry runs).</summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary>A [vocab, hidden] table, uninitialised (the model initialises it).</summary>
    public TokenEmbedding(long vocab, long hidden, Device? device, ScalarType dtype) : base(nameof(TokenEmbedding))
    {
        weight = nn.Parameter(torch.empty(vocab, hidden, dtype: dtype, device: device));
        RegisterComponents();
    }

    /// <summary>The table (the tied output head reads it too).</summary>
    public Parameter Weight => weight;

    /// <summary>ids [..] → vectors [.., hidden]; differentiable with respect to the table.</summary>
    public override Tensor forward(Tensor ids)
    {
        using var flat = ids.reshape(-1);
        using var rows = MetaSafe.Rows(weight, flat);
        return rows.view([.. ids.shape, weight.shape[1]]);
    }
}
