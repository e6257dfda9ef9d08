using System.Diagnostics;
using Code2Lora.Adapters;
using Code2Lora.Hyper;
using Code2Lora.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Experiments;

/// <summary>results/bench/adapters.json: what a generated adapter costs once a repository is encoded, against what a trained
/// per-repo LoRA costs (its training seconds, from per-repo-lora/timings.json, and the in-repo EM each reaches, from summary.json).</summary>
public sealed record AdapterSpeedResult(
    int Repositories, double GenerateMsMedian, double GenerateMsP90, long HeadParameters,
    int Batch, int Tokens, double ForwardMsBase, double ForwardMsGenerated, double ForwardMsMerged, double OverheadPercent,
    int Threads, string Device, PerRepoLoraCost? PerRepoLora, Provenance Provenance);

/// <summary>Training cost of the per-repo LoRAs (seconds per repository, summed over resumes) and the IR-test EM of per-repo LoRA and
/// of Code2LoRA-Static (null before <c>c2l eval</c>): the time a trained adapter needs for the quality a generated one gets in milliseconds.</summary>
public sealed record PerRepoLoraCost(int Repositories, double SecondsMedian, double SecondsP90, double SecondsTotal, int StepsTotal,
    double? IrEmPerRepoLora, double? IrEmStatic);

/// <summary>Times adapter generation per repository (head forward, batch 1, after encoding) and the forward overhead of an
/// installed per-example adapter against the bare base and a merged adapter.</summary>
public static class AdapterSpeed
{
    /// <summary>Measures with the experiment's trained head over every static repository's vector.</summary>
    public static AdapterSpeedResult Measure(StaticExperiment experiment, RepoContexts contexts, string command, int repeats = 10)
    {
        var c = experiment.Config;
        var lm = experiment.LoadBase();
        var device = lm.Model.Device;
        var head = experiment.LoadHead(lm, contexts.EncoderId, contexts.Dimension);
        var states = experiment.Bench.StaticRepos.OrderBy(r => r.RepoId, StringComparer.Ordinal).Select(r => (r.RepoId, r.SnapshotSha)).ToList();
        using var noGrad = torch.no_grad();

        var generate = new List<double>();
        foreach (var state in states.Prepend(states[0]))          // the first call warms up and is not counted
        {
            using var scope = torch.NewDisposeScope();
            var ctx = contexts.Stack([state], device);
            var clock = Stopwatch.StartNew();
            using var adapter = head.forward(ctx);
            foreach (var a in adapter.A.Values) a.sum().item<float>();   // wait for the work on asynchronous devices
            generate.Add(clock.Elapsed.TotalMilliseconds);
        }
        generate.RemoveAt(0);
        generate.Sort();

        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var batch = c.BatchSize;
        var tokens = c.MaxTokens;
        var ids = torch.randint(1, lm.Config.VocabSize, [batch, tokens], dtype: ScalarType.Int64, device: device);
        double Time(Action before)
        {
            before();
            lm.Model.Forward(ids).Dispose();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) { using var scope = torch.NewDisposeScope(); lm.Model.Forward(ids).sum().item<float>(); }
            return clock.Elapsed.TotalMilliseconds / repeats;
        }
        // Base and per-example runs alternate, and each figure is the fastest of its rounds: whichever ran first used to absorb
        // the machine's warm-up (a run once put the merged adapter 21 % faster than the identical bare base).
        using var perExample = head.forward(contexts.Stack(Enumerable.Range(0, batch).Select(i => states[i % states.Count]).ToList(), device));
        const int rounds = 5;
        var (baseRuns, generatedRuns) = (new List<double>(), new List<double>());
        for (var r = 0; r < rounds; r++)
        {
            baseRuns.Add(Time(slots.Clear));
            generatedRuns.Add(Time(() => slots.Use(perExample)));
        }
        var (baseMs, generatedMs) = (baseRuns.Min(), generatedRuns.Min());
        slots.Clear();
        using var single = head.forward(contexts.Stack([states[0]], device));
        slots.Use(single);
        slots.Merge();
        var mergedMs = Enumerable.Range(0, rounds).Select(_ => Time(() => { })).Min();
        slots.Unmerge();
        slots.Clear();
        return new AdapterSpeedResult(states.Count, Math.Round(Percentile(generate, 0.5), 2), Math.Round(Percentile(generate, 0.9), 2),
            head.parameters().Sum(p => p.numel()), batch, tokens, Math.Round(baseMs, 1), Math.Round(generatedMs, 1), Math.Round(mergedMs, 1),
            Math.Round(100 * (generatedMs - baseMs) / baseMs, 1), torch.get_num_threads(), device.ToString(), PerRepoCost(experiment), Provenance.Capture(command));
    }

    /// <summary>The per-repo LoRA training cost and the IR EM it and Static reach, from the files the training and evaluation wrote.</summary>
    public static PerRepoLoraCost? PerRepoCost(StaticExperiment experiment)
    {
        var timings = PerRepoLoraFiles.ReadTimings(experiment.PerRepoLoraTimingsFile);
        if (timings.Count == 0) return null;
        var seconds = timings.Values.Select(t => t.Seconds).Order().ToList();
        double? irEm(string method)
        {
            var path = Path.Combine(Config.RepoPaths.Results, "static", experiment.Config.Name, "summary.json");
            if (!File.Exists(path)) return null;
            var methods = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["methods"];
            return methods?[method]?["ir_em"]?.GetValue<double>();
        }
        return new PerRepoLoraCost(timings.Count, Math.Round(Percentile(seconds, 0.5), 1), Math.Round(Percentile(seconds, 0.9), 1),
            Math.Round(seconds.Sum(), 1), timings.Values.Sum(t => t.Steps), irEm("per-repo-lora"), irEm("code2lora-static"));
    }

    private static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
}
