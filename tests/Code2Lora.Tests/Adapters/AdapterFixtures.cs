using Code2Lora.Adapters;
using Code2Lora.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Adapters;

/// <summary>Seeded tiny models, token batches and random adapters shared by the adapter and head tests.</summary>
internal static class AdapterFixtures
{
    public static readonly LoraConfig Rank4 = new() { Rank = 4, Alpha = 8 };

    public static DecoderLM Model(string name = "tiny-qwen2", int seed = 7)
    {
        torch.manual_seed(seed);
        return new DecoderLM(ModelConfigs.Get(name), torch.CPU);
    }

    public static Tensor Ids(long b, long t, int seed = 11)
    {
        torch.manual_seed(seed);
        return torch.randint(3, 512, [b, t], dtype: ScalarType.Int64);
    }

    /// <summary>A trainable adapter whose B is random too (PEFT's zero B would make every delta vanish).</summary>
    public static LoraAdapter RandomAdapter(ModelConfig model, LoraConfig config, int seed = 3)
    {
        torch.manual_seed(seed);
        var adapter = new LoraAdapter(model, config);
        using var noGrad = torch.no_grad();
        foreach (var p in adapter.parameters()) p.normal_(0, 0.05);
        return adapter;
    }

    /// <summary>A shared-across-layers generated adapter with random A [batch,r,in] / B [batch,out,r].</summary>
    public static GeneratedAdapter RandomGenerated(ModelConfig model, LoraConfig config, long batch, int seed = 5)
    {
        torch.manual_seed(seed);
        var a = new Dictionary<string, Tensor>();
        var b = new Dictionary<string, Tensor>();
        foreach (var t in config.SortedTargets)
        {
            var (i, o) = LoraTargets.Dims(model, t);
            a[t] = torch.randn(batch, config.Rank, i) * 0.05;
            b[t] = torch.randn(batch, o, config.Rank) * 0.05;
        }
        return new GeneratedAdapter(a, b);
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a.to(ScalarType.Float32) - b.to(ScalarType.Float32)).abs().max();
        return d.item<float>();
    }

    public static bool SameBytes(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.SequenceEqual(b.contiguous().bytes);
}
