using System.Globalization;
using Code2Lora.Models;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>Stops a stage before any weight is loaded when the memory plan's peak for it exceeds what the device offers, naming
/// the stage and the plan's figure (a paper-sized config on a small GPU or laptop fails in a second, not after minutes of loading).</summary>
public static class MemoryGuard
{
    /// <summary>Checks <paramref name="stage"/> (encode, train-static, evaluate of <paramref name="s"/>; train-evo of
    /// <paramref name="e"/>) on the configured device. <paramref name="offered"/> replaces <see cref="DeviceMemory.Bytes"/> (tests);
    /// an unknown amount passes. A missing model directory fails here with its own message, as loading would.</summary>
    public static void Check(string stage, StaticExperimentConfig? s, EvoExperimentConfig? e, Func<torch.Device, long?>? offered = null)
    {
        if (s is null == e is null) throw new ArgumentException("pass the static config or the evolution config.");
        var target = s?.ResolveCompute() ?? e!.ResolveCompute();
        if (target.Device.type == DeviceType.META) return;
        var available = (offered ?? DeviceMemory.Bytes)(target.Device);
        if (available is null) return;

        var baseName = s?.BaseModel ?? e!.BaseModel;
        var encoderName = s?.EncoderModel ?? e?.EncoderModel;
        var model = stage == "encode" && encoderName is not null ? null : FrozenBase.Check(baseName);
        var encoder = encoderName is null ? model! : stage == "encode" ? FrozenBase.Check(encoderName) : MemoryPlanner.ResolveModel(encoderName);
        model ??= MemoryPlanner.ResolveModel(baseName);

        var dtype = ComputeTarget.Name(target.Dtype);
        var plan = MemoryPlanner.Plan((s ?? StaticExperimentConfig.Paper) with { Dtype = dtype }, (e ?? EvoExperimentConfig.Paper) with { Dtype = dtype },
            model, encoder, BenchCounts.Paper)[stage];
        if (plan.PeakBytes <= available) return;
        var name = s?.Name ?? e!.Name;
        var kind = s is null ? "evo" : "static";
        var inv = CultureInfo.InvariantCulture;
        var peak = (plan.PeakBytes / 1073741824.0).ToString("F1", inv);
        var offeredGiB = (available.Value / 1073741824.0).ToString("F1", inv);
        var ram = target.Device.type == DeviceType.CPU ? " (available RAM)" : "";
        throw new InvalidOperationException(
            $"{kind} config '{name}', stage {stage}: the memory plan's peak is {peak} GiB ({dtype}, {(plan.Checkpointing ? "checkpointed" : "not checkpointed")}; " +
            $"c2l plan --preset {name} prints every part), but {target.Device} offers {offeredGiB} GiB{ram}; no weights were loaded. Use a device with more " +
            "memory, or lower the peak: --set activation_checkpointing=true, --set dtype=bf16, a smaller max_tokens or eval_batch_size (docs/paper-scale.md).");
    }
}
