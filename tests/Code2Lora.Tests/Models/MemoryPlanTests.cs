using Code2Lora.Models;
using TorchSharp;

namespace Code2Lora.Tests.Models;

/// <summary>The dry-run memory plan behind `c2l model info`.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class MemoryPlanTests
{
    [Fact]
    public void BaseModelPlanInBf16()
    {
        var plan = MemoryPlan.For(ModelConfigs.Get("qwen2.5-coder-1.5b"), MemoryPlan.ParseDType("bf16"));
        Assert.Equal(1_543_714_304L * 2, plan.WeightBytes);
        Assert.Equal(1_543_714_304L * 16, plan.AdamWFullFineTuneBytes);
        Assert.Equal(2L * 28 * 2 * 128 * 1024 * 2, plan.KvCacheBytesPer1kTokens);   // K and V, 28 layers, 2 kv heads × 128, bf16
        Assert.Throws<ArgumentException>(() => MemoryPlan.ParseDType("int8"));
    }

    [Fact]
    public void MetaDeviceBuildAgreesWithTheAnalyticCountWithoutAllocating()
    {
        var config = ModelConfigs.Get("qwen3-embedding-0.6b");
        var meta = MemoryPlan.CountOnMetaDevice(config, torch.ScalarType.BFloat16);
        // LibTorch builds without a meta device get null and fall back to the analytic count; this one has it.
        Assert.Equal(DecoderLM.CountParameters(config), meta);
    }
}
