using System.Globalization;
using System.Text.Json.Nodes;
using Code2Lora.Config;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>What a sweep's unfinished runs will cost in CPU time (wall clock on this machine's threads), and the basis of the
/// number: a configured cost per run; else the median of the timings.json of finished runs of this sweep; else that of earlier
/// sweep runs of the same kind, benchmark and methods under the runs root; else the stages of a reproduce run of the same preset
/// (results/reproduce/&lt;name&gt;/timings.json); else unknown.</summary>
/// <param name="Runs">Points × seeds.</param>
/// <param name="Finished">Runs already finished (skipped).</param>
/// <param name="SecondsPerRun">The cost of one run, or null when nothing measured it.</param>
/// <param name="Basis">How <paramref name="SecondsPerRun"/> was found, in words.</param>
public sealed record SweepEstimate(int Runs, int Finished, double? SecondsPerRun, string Basis)
{
    /// <summary>Runs still to do.</summary>
    public int Pending => Runs - Finished;

    /// <summary>The estimated CPU time of the pending runs, or null when unknown.</summary>
    public double? TotalSeconds => SecondsPerRun * Pending;

    /// <summary>The estimate of <paramref name="plan"/> (see the type's summary for the order of the sources).</summary>
    public static SweepEstimate Of(SweepPlan plan, double? secondsPerRun = null)
    {
        var runs = plan.Runs.ToList();
        var finished = plan.Finished.Count;
        if (secondsPerRun is { } configured)
            return new(runs.Count, finished, configured, "configured cost per run");
        var own = runs.Select(r => RunSeconds(r.TimingsFile, plan.Methods)).OfType<double>().ToList();
        if (own.Count > 0) return new(runs.Count, finished, Median(own), $"median of the timings.json of {own.Count} finished run(s) of this sweep");
        var bench = Field(runs[0].Config.Json, "bench");
        var earlier = Directory.Exists(plan.RunsRoot)
            ? Directory.EnumerateDirectories(plan.RunsRoot, plan.Kind + "-*")
                .Where(d => SweepMarker.Read(Path.Combine(d, SweepMarker.FileName)) is { } m && m.Covers(plan.Methods) && Field(m.Config.ToJsonString(), "bench") == bench)
                .Select(d => RunSeconds(Path.Combine(d, "timings.json"), plan.Methods)).OfType<double>().ToList()
            : [];
        if (earlier.Count > 0)
            return new(runs.Count, finished, Median(earlier), $"median of the timings.json of {earlier.Count} earlier sweep run(s) of {plan.Kind} on bench {bench} under {RepoPaths.Relative(plan.RunsRoot)}");
        // A config changed by --set is named <name>-<hash8> (ConfigFiles.Load): its preset's reproduce run is <name>'s.
        var name = Field(runs[0].Config.Json, "name") is { } n ? System.Text.RegularExpressions.Regex.Replace(n, "-[0-9a-f]{8}$", "") : null;
        var reproduce = Path.Combine(RepoPaths.Results, "reproduce", name ?? "", "timings.json");
        if (name is not null && ReproduceSeconds(reproduce, plan.Kind, plan.Methods) is { } seconds)
            return new(runs.Count, finished, seconds, $"the {string.Join(" + ", plan.Methods)} training and evaluation stages of {RepoPaths.Relative(reproduce)} "
                                                      + "(a reproduce of this preset; its evaluation also decoded the context baselines, so this errs high)");
        return new(runs.Count, finished, null, "unknown: no finished run to measure and no reproduce timings of this preset; give --seconds-per-run, or run one point first");
    }

    /// <summary>"6 runs (2 finished, 4 to run) × 95 s = 6.3 min of CPU time (basis)".</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var head = $"{Runs} run(s) ({Finished} finished, {Pending} to run)";
        return SecondsPerRun is { } s
            ? string.Create(inv, $"{head} × {s:F0} s = {TotalSeconds / 60:F1} min of CPU time at {TorchSharp.torch.get_num_threads()} thread(s), wall clock on this machine ({Basis})")
            : $"{head}; CPU time {Basis}";
    }

    /// <summary>A finished run's seconds: the stages of its timings.json (its total when it trained every method asked for now).</summary>
    private static double? RunSeconds(string timingsFile, IReadOnlyList<string> methods)
    {
        if (!File.Exists(timingsFile)) return null;
        try
        {
            var stages = JsonNode.Parse(File.ReadAllText(timingsFile))?["stages"]?.AsArray();
            if (stages is null) return null;
            var byName = stages.Where(s => s is not null).ToDictionary(s => s!["stage"]!.GetValue<string>(), s => s!["seconds"]!.GetValue<double>());
            if (!methods.All(m => byName.ContainsKey($"train {m}")) || !byName.ContainsKey("evaluate")) return null;
            return methods.Sum(m => byName[$"train {m}"]) + byName["evaluate"] + byName.GetValueOrDefault("repository vectors") + byName.GetValueOrDefault("vectors");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>The stages of a reproduce run's timings.json that one sweep run repeats: each method's training and the evaluation.</summary>
    private static double? ReproduceSeconds(string path, string kind, IReadOnlyList<string> methods)
    {
        if (!File.Exists(path)) return null;
        var stages = JsonNode.Parse(File.ReadAllText(path))?["stages"]?.AsArray().Where(s => s is not null)
            .ToDictionary(s => s!["stage"]!.GetValue<string>(), s => s!["seconds"]!.GetValue<double>());
        if (stages is null) return null;
        string Stage(string m) => kind == "evo" ? (m == "evo-slora" ? "evo: train single LoRA" : "evo: train evo") : $"static: train {m}";
        var names = methods.Select(Stage).Append($"{kind}: evaluate").ToList();
        return names.All(stages.ContainsKey) ? names.Sum(n => stages[n]) : null;
    }

    private static string? Field(string json, string key) => JsonNode.Parse(json)?[key]?.GetValue<string>();

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
