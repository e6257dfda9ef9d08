using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Tests.Adapters;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Code2Lora.Tests.Hyper;

/// <summary>The Text2LoRA-style baseline head: size, per-layer output shapes, the LoRA-like start, gradients through the frozen base.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class Text2LoraHeadTests
{
    private static readonly ModelConfig Tiny = ModelConfigs.Get("tiny-qwen2");
    private static readonly Text2LoraHeadConfig TinyHead = new() { InputDim = 8, TaskDim = 8, LayerEmbeddingDim = 4, HeadInputDim = 12, Lora = AdapterFixtures.Rank4 };

    private static Text2LoraHead Head(Text2LoraHeadConfig? config = null, int seed = 21)
    {
        torch.manual_seed(seed);
        return new Text2LoraHead(config ?? TinyHead, Tiny);
    }

    [Fact]
    public void AnalyticCountEqualsTheBuiltModule()
    {
        using var head = Head();
        Assert.Equal(TinyHead.CountParameters(Tiny), head.parameters().Sum(p => p.numel()));
        // By hand for tiny-qwen2 (2 layers, hidden 64, q 64, kv 32, ffn 128), r 4, trunk width w = 8 + 2·4 = 16:
        // encoder 9·8 + 16 = 88; embeddings 2·4 + 8 + 7·4 + 8 = 52; mixer 17·64 + 65·16 = 2,128; residual blocks 2 · (32 + 2,128) = 4,320;
        // last block 32 + 17·64 + 65·12 = 1,900; heads 13 · 4 · Σ(in+out) = 52 · (128+96+96+128+192+192+192) = 53,248.
        Assert.Equal(88 + 52 + 2_128 + 4_320 + 1_900 + 53_248, TinyHead.CountParameters(Tiny));
    }

    [Fact]
    public void EmitsOnePairPerLayerAndTypeStartingNearAPeftLora()
    {
        using var head = Head();
        torch.manual_seed(1);
        using var noGrad = torch.no_grad();
        using var adapter = head.forward(torch.randn(3, 8));
        Assert.True(adapter.PerLayer);
        Assert.Equal(new long[] { 3, 2, 4, 128 }, adapter.A["down_proj"].shape);
        Assert.Equal(new long[] { 3, 2, 32, 4 }, adapter.B["k_proj"].shape);
        // Bias-HyperInit: A ≈ a kaiming-uniform LoRA A (|a| ≤ 1/√in plus the small head weights), B ≈ 0.
        Assert.True(adapter.A["q_proj"].abs().max().item<float>() < 1.0 / Math.Sqrt(64) + 0.05);
        Assert.True(adapter.B["q_proj"].abs().max().item<float>() < 0.05);
        // Layers differ (depth embedding) and examples differ (task encoder).
        Assert.True(AdapterFixtures.MaxAbsDiff(adapter.B["q_proj"][0, 0], adapter.B["q_proj"][0, 1]) > 1e-6);
        Assert.True(AdapterFixtures.MaxAbsDiff(adapter.B["q_proj"][0], adapter.B["q_proj"][1]) > 1e-6);
    }

    [Fact]
    public void RejectsAContextOfTheWrongWidth()
    {
        using var head = Head();
        using var ctx = torch.zeros(2, 5);
        Assert.Contains("[batch,8]", Assert.Throws<ArgumentException>(() => head.forward(ctx)).Message);
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
}
