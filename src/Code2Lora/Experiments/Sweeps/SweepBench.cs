using Code2Lora.Bench;
using Code2Lora.Config;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>The benchmark a sweep's configs name, built once under data/work/bench-&lt;name&gt;/ as <c>c2l bench build</c> would.</summary>
public static class SweepBench
{
    /// <summary>The benchmark folder of <paramref name="preset"/>, built first when it has no manifest yet.</summary>
    public static async Task<string> EnsureBuiltAsync(Preset preset, string command, CancellationToken cancel)
    {
        var dir = Path.Combine(RepoPaths.Work, "bench-" + preset.Name);
        if (File.Exists(Path.Combine(dir, "manifest.json"))) return dir;
        var inputs = BenchInputs.Prepare(preset, RepoPaths.Work);
        if (inputs.Count == 0)
            throw new ArgumentException($"bench preset {preset.Name} names no repositories to mine; build or import its benchmark first (c2l bench build / c2l bench import).");
        await BenchBuild.RunAsync(inputs, dir, preset.Bench, preset.Mining, command, cancel: cancel);
        return dir;
    }
}
