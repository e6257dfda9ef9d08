using Code2Lora.Models;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models.Parity;

/// <summary>Runs one case through the C# model and measures it against a reference output.</summary>
internal static class ParityCheck
{
    /// <summary>Max |logit difference| over real (unpadded) positions, and the C# greedy tokens (KV-cache path).</summary>
    public static (double MaxAbsDiff, IReadOnlyList<int[]> Greedy) Run(DecoderLM model, ReferenceCase c, ReferenceOutput reference)
    {
        using var scope = NewDisposeScope();
        var (idRows, maskRows) = c.Padded();
        var ids = tensor(idRows.SelectMany(r => r).ToArray(), [idRows.Length, idRows[0].Length]);
        var mask = tensor(maskRows.SelectMany(r => r).ToArray(), [maskRows.Length, maskRows[0].Length]);
        Tensor logits;
        using (no_grad()) logits = model.Forward(ids, mask).to(ScalarType.Float32);
        Assert.Equal(reference.Shape, logits.shape);
        var expected = tensor(reference.Logits, reference.Shape);
        var real = mask.to(ScalarType.Bool).unsqueeze(-1);
        var diff = (logits - expected).abs().masked_fill(real.logical_not(), 0).max().item<float>();
        var greedy = Generation.Greedy(model, c.Sequences, c.GreedyNewTokens, eosTokenId: null, padTokenId: ReferenceCase.PadId);
        return (diff, greedy);
    }
}
