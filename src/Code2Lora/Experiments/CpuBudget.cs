using System.Globalization;
using Code2Lora.Bench;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>Stops a notebook before a stage a CPU cannot finish: the memory plan's FLOPs at the rate a CPU training step reached
/// here (<see cref="CpuFlopsPerSecond"/>), against a limit in hours. A GPU run is never stopped.</summary>
public static class CpuBudget
{
    /// <summary>What one paper-width training step sustained on this package's 2-core CI machine in bf16
    /// (results/bench/paper-rehearsal.json: 124–151 GFLOP/s); a larger CPU is faster, but not by the 10⁴ a paper run needs.</summary>
    public const double CpuFlopsPerSecond = 150e9;

    /// <summary>The default limit: a day of CPU.</summary>
    public const double DefaultLimitHours = 24;

    /// <summary>Throws when <paramref name="stage"/> (train-static, evaluate of <paramref name="s"/>; train-evo of <paramref name="e"/>)
    /// would take more than <paramref name="limitHours"/> on the CPU. Step counts come from the benchmark in
    /// <paramref name="benchDir"/> when it is built, else from the paper's (an upper bound for a small model).</summary>
    public static async Task CheckAsync(string stage, StaticExperimentConfig? s, EvoExperimentConfig? e, string? benchDir, double limitHours = DefaultLimitHours)
    {
        if (s is null == e is null) throw new ArgumentException("pass the static config or the evolution config.");
        var target = s?.ResolveCompute() ?? e!.ResolveCompute();
        if (target.Device.type != DeviceType.CPU) return;
        var counts = benchDir is not null && File.Exists(Path.Combine(benchDir, "manifest.json"))
            ? BenchCounts.Of(await Reporting.BenchData.LoadAsync(benchDir), benchDir) : BenchCounts.Paper;
        var baseName = s?.BaseModel ?? e!.BaseModel;
        var model = MemoryPlanner.ResolveModel(baseName);
        var encoder = (s?.EncoderModel ?? e?.EncoderModel) is { } name ? MemoryPlanner.ResolveModel(name) : model;
        var dtype = Runtime.ComputeTarget.Name(target.Dtype);
        var plan = MemoryPlanner.Plan((s ?? StaticExperimentConfig.Paper) with { Dtype = dtype }, (e ?? EvoExperimentConfig.Paper) with { Dtype = dtype },
            model, encoder, counts)[stage];
        var hours = plan.TotalFlops / CpuFlopsPerSecond / 3600;
        if (hours <= limitHours) return;
        var inv = CultureInfo.InvariantCulture;
        var h100 = plan.TotalFlops / (PaperComputeTable.H100PeakFlops * PaperComputeTable.AssumedMfu) / 3600;
        throw new InvalidOperationException(
            $"{(s is null ? "evo" : "static")} config '{s?.Name ?? e!.Name}' on the CPU: the plan's {stage} stage is {plan.Steps.ToString("N0", inv)} steps × " +
            $"{(plan.FlopsPerStep / 1e12).ToString("F2", inv)} TFLOP ({counts.Source}) ≈ {hours.ToString("N0", inv)} h at the {CpuFlopsPerSecond / 1e9:F0} GFLOP/s " +
            $"a CPU training step reached here (results/bench/paper-rehearsal.json), {h100.ToString("F1", inv)} h on one H100; stopped before loading anything. " +
            $"Run it on a GPU (README: Reproduce the paper on one GPU), pick a smaller preset (tiny), or raise the limit ({limitHours.ToString("F0", inv)} h) if you mean it.");
    }
}
