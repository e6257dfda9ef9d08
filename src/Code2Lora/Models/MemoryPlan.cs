using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>What a config costs in memory, from its dimensions alone.</summary>
/// <param name="Parameters">Analytic parameter count.</param>
/// <param name="WeightBytes">Parameters at the chosen dtype.</param>
/// <param name="AdamWFullFineTuneBytes">16 B/param: fp32 master weights, fp32 gradients and AdamW's two fp32 moments (activations extra).</param>
/// <param name="KvCacheBytesPer1kTokens">Keys and values of every layer for 1,024 tokens of one sequence at the chosen dtype.</param>
public sealed record MemoryPlan(long Parameters, long WeightBytes, long AdamWFullFineTuneBytes, long KvCacheBytesPer1kTokens)
{
    /// <summary>Plans <paramref name="config"/> at <paramref name="dtype"/>.</summary>
    public static MemoryPlan For(ModelConfig config, ScalarType dtype)
    {
        var bytes = ElementSize(dtype);
        var parameters = DecoderLM.CountParameters(config);
        var kv = 2L * config.NumHiddenLayers * config.NumKeyValueHeads * config.HeadDim * 1024 * bytes;
        return new MemoryPlan(parameters, parameters * bytes, parameters * 16, kv);
    }

    /// <summary>Bytes per element of the float dtypes a model can be held in.</summary>
    public static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        ScalarType.Float64 => 8,
        _ => throw new ArgumentException($"{dtype} is not a model dtype (float32, bfloat16, float16, float64)."),
    };

    /// <summary>Parses "fp32"/"float32", "bf16"/"bfloat16", "fp16"/"float16" (<see cref="Runtime.ComputeTarget.ParseDtype"/>).</summary>
    public static ScalarType ParseDType(string name) => Runtime.ComputeTarget.ParseDtype(name, "--dtype");

    /// <summary>Builds the module tree on the "meta" device (shapes only, no storage) and counts its parameters;
    /// null when this LibTorch cannot do that, so the caller falls back to the analytic count.</summary>
    public static long? CountOnMetaDevice(ModelConfig config, ScalarType dtype)
    {
        Device meta;
        try { meta = torch.device("meta"); }
        catch (Exception) { return null; }
        // Probe with a tiny clone first: a LibTorch that silently ignored "meta" would otherwise allocate the real model.
        try
        {
            using (var probe = new DecoderLM(ModelConfigs.Get("tiny-qwen2"), meta, dtype))
                if (probe.Device.type != DeviceType.META) return null;
            using var model = new DecoderLM(config, meta, dtype);
            return model.parameters().Sum(p => p.numel());
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }
}
