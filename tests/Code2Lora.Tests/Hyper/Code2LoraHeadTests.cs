using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Adapters;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Tests.Hyper;

/// <summary>The Code2LoRA head: sizes of the published heads, checkpoint key names, expected values, gradients through the frozen base.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class Code2LoraHeadTests
{
    private static readonly ModelConfig Tiny = ModelConfigs.Get("tiny-qwen2");
    private static readonly Code2LoraHeadConfig TinyHead = new() { InputDim = 8, HiddenDim = 16, Lora = AdapterFixtures.Rank4 };

    private static Code2LoraHead Head(Code2LoraHeadConfig? config = null, int seed = 21)
    {
        torch.manual_seed(seed);
        return new Code2LoraHead(config ?? TinyHead, Tiny);
    }

    [Theory]
    [InlineData(1024, 679_090_190L)]   // the released code2lora-direct (paper-notes §1.3)
    [InlineData(512, 339_612_686L)]    // the Table-2 V1 head
    public void PublishedHeadSizesOnQwen25Coder15B(int hidden, long expected)
    {
        var config = new Code2LoraHeadConfig { HiddenDim = hidden };
        Assert.Equal(expected, config.CountParameters(ModelConfigs.Get("qwen2.5-coder-1.5b")));
    }

    [Fact]
    public void MetaDeviceBuildAgreesWithTheAnalyticCount()
    {
        var config = new Code2LoraHeadConfig { HiddenDim = 512 };
        var model = ModelConfigs.Get("qwen2.5-coder-1.5b");
        var meta = Code2LoraHead.CountOnMetaDevice(config, model);
        // LibTorch builds without a meta device get null; this one has it.
        Assert.Equal(339_612_686L, meta);
    }

    [Fact]
    public void ParameterNamesAreTheAuthorsCheckpointKeys()
    {
        using var head = Head();
        var names = head.named_parameters().Select(p => p.name).ToList();
        foreach (var key in new[] { "trunk.0.weight", "trunk.0.bias", "trunk.2.weight", "trunk.2.bias",
                     "heads_A.q_proj.weight", "heads_A.down_proj.bias", "heads_B.k_proj.weight", "log_scale_A.up_proj", "log_scale_B.v_proj" })
            Assert.Contains(key, names);
        Assert.Equal(4 + 7 * 4 + 14, names.Count);
        Assert.Equal(TinyHead.CountParameters(Tiny), head.parameters().Sum(p => p.numel()));
        Assert.Equal(new[] { "down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj" },
            names.Where(n => n.StartsWith("heads_A.") && n.EndsWith(".weight")).Select(n => n.Split('.')[1]));
        Assert.Equal(new long[] { 4 * 128, 16 }, head.named_parameters().Single(p => p.name == "heads_A.down_proj.weight").parameter.shape);
        Assert.Equal(-3.5f, head.named_parameters().Single(p => p.name == "log_scale_B.q_proj").parameter.item<float>());
    }

    [Fact]
    public void OutputsAreRowMajorTanhTimesClampedScale()
    {
        using var head = Head();
        var p = head.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using (torch.no_grad())
        {
            // Zero head weights make A independent of h: A = tanh(bias viewed as [r,in]) · exp(s).
            p["heads_A.k_proj.weight"].zero_();
            p["heads_A.k_proj.bias"].copy_(torch.linspace(-3, 3, 4 * 64));
            p["heads_B.k_proj.weight"].zero_();
            p["heads_B.k_proj.bias"].fill_(10);
            p["log_scale_B.k_proj"].fill_(0);   // exp(0) = 1 is clamped to 0.3
        }
        torch.manual_seed(1);
        using var adapter = head.forward(torch.randn(2, 8));
        var a = adapter.A["k_proj"];
        Assert.Equal(new long[] { 2, 4, 64 }, a.shape);
        Assert.Equal(new long[] { 2, 32, 4 }, adapter.B["k_proj"].shape);
        var s = Math.Exp(-3.5);
        Assert.Equal(Math.Tanh(-3.0) * s, a[1, 0, 0].item<float>(), 6);
        Assert.Equal(Math.Tanh(-3.0 + 6.0 * 65 / 255) * s, a[0, 1, 1].item<float>(), 6);   // element 65 = row 1, column 1
        Assert.Equal(Math.Tanh(3.0) * s, a[0, 3, 63].item<float>(), 6);
        Assert.Equal(Math.Tanh(10.0) * 0.3, adapter.B["k_proj"][0, 5, 2].item<float>(), 6);
        // With random init every entry is bounded by exp(−3.5) ≈ 0.0302.
        Assert.All(adapter.A.Values.Concat(adapter.B.Values.Where((_, i) => i != 2)), t => Assert.True(t.abs().max().item<float>() <= 0.0302f));
    }

    [Fact]
    public void TrunkOutputIsL2NormalisedTimesSqrtH()
    {
        using var head = Head();
        var p = head.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using (torch.no_grad())
        {
            // Identity head on q_proj's A for the first 16 outputs exposes h itself: atanh(A/scale) = h.
            p["heads_A.q_proj.weight"].zero_();
            p["heads_A.q_proj.bias"].zero_();
            p["heads_A.q_proj.weight"][..16].copy_(torch.eye(16) * 0.01);
        }
        torch.manual_seed(2);
        using var ctx = torch.randn(3, 8);
        using var adapter = head.forward(ctx);
        using var h = (adapter.A["q_proj"].reshape(3, -1)[.., ..16] / Math.Exp(-3.5)).atanh() / 0.01;
        using var trunk = F.gelu(F.linear(F.gelu(F.linear(ctx, p["trunk.0.weight"], p["trunk.0.bias"])), p["trunk.2.weight"], p["trunk.2.bias"]));
        using var expected = F.normalize(trunk, p: 2, dim: -1) * 4.0;
        Assert.True(AdapterFixtures.MaxAbsDiff(h, expected) < 1e-3);
    }

    [Fact]
    public void HeadLearnsThroughTheFrozenBase()
    {
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        slots.FreezeBase();
        using var head = Head();
        torch.manual_seed(3);
        using var ctx = torch.randn(2, 8);
        using var ids = AdapterFixtures.Ids(2, 6);
        using var adapter = head.forward(ctx);
        slots.Use(adapter);
        using var logits = model.Forward(ids);
        using var loss = F.cross_entropy(logits[.., ..^1].reshape(-1, 512), ids[.., 1..].reshape(-1));
        loss.backward();
        foreach (var (name, p) in head.named_parameters())
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{name} got no gradient");
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void ShuffledContextsGiveShuffledPerRowAdapters()
    {
        using var model = AdapterFixtures.Model();
        var slots = LoraSlots.Install(model, AdapterFixtures.Rank4);
        using var head = Head();
        using var noGrad = torch.no_grad();
        torch.manual_seed(4);
        using var ctx = torch.randn(3, 8);
        using var ids = AdapterFixtures.Ids(1, 6).expand(3, 6).contiguous();   // the same tokens in every row
        using var adapter = head.forward(ctx);
        Assert.True(AdapterFixtures.MaxAbsDiff(adapter.A["q_proj"][0], adapter.A["q_proj"][1]) > 1e-4);
        slots.Use(adapter);
        using var logits = model.Forward(ids);
        Assert.True(AdapterFixtures.MaxAbsDiff(logits[0], logits[1]) > 1e-6);
        using var order = torch.tensor(new long[] { 2, 0, 1 });
        using var shuffled = head.forward(ctx.index_select(0, order));
        slots.Use(shuffled);
        using var shuffledLogits = model.Forward(ids);
        Assert.True(AdapterFixtures.MaxAbsDiff(shuffledLogits, logits.index_select(0, order)) < 1e-5);
    }

    [Fact]
    public void PerLayerConditioningGivesEachLayerItsOwnPair()
    {
        var config = TinyHead with { PerLayer = true };
        using var head = Head(config);
        Assert.Equal(config.CountParameters(Tiny), head.parameters().Sum(p => p.numel()));
        Assert.Equal(TinyHead.CountParameters(Tiny) + 2 * 16, config.CountParameters(Tiny));
        torch.manual_seed(5);
        using var adapter = head.forward(torch.randn(2, 8));
        Assert.True(adapter.PerLayer);
        Assert.Equal(new long[] { 2, 2, 4, 64 }, adapter.A["q_proj"].shape);
        var layer0 = adapter.WeightsFor(0, "q_proj")!;
        var layer1 = adapter.WeightsFor(1, "q_proj")!;
        Assert.Equal(new long[] { 2, 4, 64 }, layer0.A.shape);
        Assert.True(AdapterFixtures.MaxAbsDiff(layer0.A, layer1.A) > 1e-6);
        using var model = AdapterFixtures.Model();
        LoraSlots.Install(model, AdapterFixtures.Rank4).Use(adapter);
        using var logits = model.Forward(AdapterFixtures.Ids(2, 4));
        Assert.Equal(new long[] { 2, 4, 512 }, logits.shape);
    }

    [Fact]
    public void StandardizedInputEqualsThePaperHeadOnZScoredContexts()
    {
        torch.manual_seed(9);
        using var contexts = torch.randn(5, 8) * 0.1 + torch.linspace(-1, 1, 8);   // a large shared direction, small differences
        using var standardized = Head(TinyHead with { StandardizeInput = true });
        standardized.SetInputStatistics(contexts);
        var state = standardized.state_dict();
        Assert.Contains("input_mean", state.Keys);
        Assert.Contains("input_std", state.Keys);
        Assert.DoesNotContain(standardized.named_parameters(), p => p.name.StartsWith("input_"));   // statistics, not trained
        Assert.Equal(TinyHead.CountParameters(Tiny), standardized.parameters().Sum(p => p.numel()));

        using var plain = Head();                                                        // same seed: same weights
        var mean = contexts.mean([0]);
        var std = contexts.std(0, unbiased: false);
        using var expected = plain.forward((contexts - mean) / std);
        using var actual = standardized.forward(contexts);
        Assert.True(AdapterFixtures.MaxAbsDiff(expected.A["q_proj"], actual.A["q_proj"]) < 1e-6);
        Assert.True(AdapterFixtures.MaxAbsDiff(expected.B["down_proj"], actual.B["down_proj"]) < 1e-6);
        Assert.Throws<InvalidOperationException>(() => plain.SetInputStatistics(contexts));
        Assert.Throws<ArgumentException>(() => standardized.SetInputStatistics(contexts[..1]));
    }

    [Fact]
    public void BadContextIsRefusedWithTheExpectedShape()
    {
        using var head = Head();
        var error = Assert.Throws<ArgumentException>(() => head.forward(torch.zeros(2, 9)));
        Assert.Contains("[batch,8]", error.Message);
    }
}
