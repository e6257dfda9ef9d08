using Code2Lora.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models;

/// <summary>Forward-pass invariants on tiny seeded models: cache == full, padding is invisible, gradients flow, bf16 works.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class DecoderForwardTests
{
    private static DecoderLM Seeded(string name, int seed = 7)
    {
        torch.manual_seed(seed);
        return new DecoderLM(ModelConfigs.Get(name), torch.CPU);
    }

    private static Tensor RandomIds(long b, long t, int seed = 11)
    {
        torch.manual_seed(seed);
        return torch.randint(3, 512, [b, t], dtype: ScalarType.Int64);
    }

    private static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a.to(ScalarType.Float32) - b.to(ScalarType.Float32)).abs().max();
        return d.item<float>();
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void CachedTokenByTokenEqualsFullSequence(string name)
    {
        using var model = Seeded(name);
        using var ids = RandomIds(2, 7);
        using var full = model.Forward(ids);
        Assert.Equal(new long[] { 2, 7, 512 }, full.shape);
        using var cache = model.NewCache();
        // A 3-token prefill, then one token at a time.
        using var prefill = model.Forward(ids[.., ..3], cache: cache);
        Assert.True(MaxAbsDiff(prefill, full[.., ..3]) < 1e-5);
        for (var t = 3; t < 7; t++)
        {
            using var step = model.Forward(ids[.., t..(t + 1)], cache: cache);
            Assert.True(MaxAbsDiff(step, full[.., t..(t + 1)]) < 1e-5, $"position {t}");
        }
        Assert.Equal(7, cache.Length);
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void LeftPaddedBatchMatchesUnpaddedSequences(string name)
    {
        using var model = Seeded(name);
        int[][] seqs = [[5, 9, 33, 40, 7], [100, 200, 300]];
        var (ids, mask) = Generation.LeftPad(seqs, padTokenId: 0, torch.CPU);
        using var batched = model.Forward(ids, mask);
        for (var b = 0; b < seqs.Length; b++)
        {
            using var single = model.Forward(torch.tensor(seqs[b].Select(x => (long)x).ToArray()).unsqueeze(0));
            var pad = 5 - seqs[b].Length;
            Assert.True(MaxAbsDiff(batched[b..(b + 1), pad..], single) < 1e-5, $"row {b}");
        }
        // Continuing a padded batch through the cache keeps matching (positions come from the running mask).
        using var cache = model.NewCache();
        using var _ = model.Forward(ids, mask, cache);
        using var nextIds = torch.tensor(new long[] { 17, 17 }).view(2, 1);
        using var next = model.Forward(nextIds, torch.ones(2, 1, dtype: ScalarType.Int64), cache);
        using var single1 = model.Forward(torch.tensor(new long[] { 100, 200, 300, 17 }).unsqueeze(0));
        Assert.True(MaxAbsDiff(next[1..2], single1[.., 3..]) < 1e-5);
        ids.Dispose(); mask.Dispose();
    }

    [Fact]
    public void HiddenStatesAreTheFinalNormOutput()
    {
        using var model = Seeded("tiny-qwen3");
        using var ids = RandomIds(1, 4);
        using var h = model.HiddenStates(ids);
        Assert.Equal(new long[] { 1, 4, 64 }, h.shape);
        using var rms = h.pow(2).mean([-1L]).sqrt();   // final norm weight is one at init, so every row has RMS ≈ 1
        Assert.True(MaxAbsDiff(rms, torch.ones(1, 4)) < 1e-3);
    }

    /// <summary>A LoRA-like stand-in: base projection plus a trainable per-output delta.</summary>
    private sealed class ShiftedProjection : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;
        public readonly Parameter delta;
        public ShiftedProjection(nn.Module<Tensor, Tensor> inner, long outFeatures) : base(nameof(ShiftedProjection))
        {
            this.inner = inner;
            delta = nn.Parameter(torch.zeros(outFeatures));
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => inner.forward(x) + delta;
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void GradientsReachAnExtraParameterThroughTheFrozenStack(string name)
    {
        using var model = Seeded(name);
        foreach (var p in model.parameters()) p.requires_grad = false;
        var attention = model.Backbone.Layers[0].SelfAttention;
        var qOut = model.Config.NumAttentionHeads * model.Config.HeadDim;
        var shifted = new ShiftedProjection(attention.Projection("q_proj"), qOut);
        attention.SetProjection("q_proj", shifted);
        Assert.Contains(model.named_parameters(), p => p.name == "model.layers.0.self_attn.q_proj.delta");
        Assert.Contains(model.named_parameters(), p => p.name == "model.layers.0.self_attn.q_proj.inner.weight");

        using var ids = RandomIds(2, 6);
        using var logits = model.Forward(ids);
        using var loss = nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, 512), ids[.., 1..].reshape(-1));
        loss.backward();
        Assert.NotNull(shifted.delta.grad);
        Assert.True(shifted.delta.grad!.abs().sum().item<float>() > 0);
        Assert.All(model.named_parameters().Where(p => p.name != "model.layers.0.self_attn.q_proj.delta"), p => Assert.Null(p.parameter.grad));
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void Bf16ForwardIsCloseToFloat32(string name)
    {
        using var fp32 = Seeded(name);
        using var bf16 = Seeded(name);
        bf16.to(ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf16.DType);
        using var ids = RandomIds(2, 8);
        using var a = fp32.Forward(ids);
        using var b = bf16.Forward(ids);
        Assert.Equal(ScalarType.BFloat16, b.dtype);
        using var scale = a.abs().max();
        Assert.True(MaxAbsDiff(a, b) < 0.05 * scale.item<float>(), $"diff {MaxAbsDiff(a, b)} vs scale {scale.item<float>()}");
        // Built directly in bf16 it also runs, with a cache.
        using var direct = new DecoderLM(ModelConfigs.Get(name), torch.CPU, ScalarType.BFloat16);
        using var cache = direct.NewCache();
        using var c = direct.Forward(ids, cache: cache);
        Assert.Equal(ScalarType.BFloat16, c.dtype);
    }
}
