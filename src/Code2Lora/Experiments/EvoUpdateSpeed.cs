using System.Diagnostics;
using Code2Lora.Encoders;
using Code2Lora.Forge;
using Code2Lora.Hyper;
using Code2Lora.Models;
using Code2Lora.Runtime;
using LibGit2Sharp;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>results/bench/evo.json: what keeping a live Evo adapter current costs per new commit, measured by replaying a real history (or a forge
/// repository) one commit at a time through <see cref="LiveAdapter.Update"/> (as a post-commit hook would call it).
/// Milliseconds are medians and 90th percentiles over the kept commits after the first (which also pays for h₀ and warm-up);
/// The "hot" figures repeat one GRU step + head pass back to back after the replay (no encoder forward in between), which
/// separates their own cost from the cache and CPU contention of a real update. <c>LoadAverage</c> is the machine's 1-minute load when the replay ended (other processes on a shared CPU inflate every figure).</summary>
public sealed record EvoSpeedResult(
    string Preset, string Model, string ModelId, string EncoderId, long GruParameters, long HeadParameters,
    string Repository, int Commits, int KeptCommits, int TimedCommits,
    double DiffEncodeMsMedian, double DiffEncodeMsP90,
    double GruHeadMsMedian, double GruHeadMsP90, double GruHeadGoalMs, bool GruHeadMeetsGoal,
    double GruStepMsMedian, double HeadMsMedian, double GruHeadHotMsMedian, double GruHeadHotMsP90,
    double MineMsMedian, double MineMsP90, double PersistMsMedian,
    double KeptUpdateMsMedian, double KeptUpdateMsP90, double SkippedUpdateMsMedian,
    double InitialStateEncodeMs, double PeakRssMb, int Threads, string Device, double? LoadAverage, Provenance Provenance);

/// <summary>Measures <see cref="EvoSpeedResult"/>.</summary>
public static class EvoUpdateSpeed
{
    /// <summary>The goal for one GRU step plus one head pass on the tiny preset.</summary>
    public const double GruHeadGoalMs = 10;

    /// <summary>Replays the first-parent history of <paramref name="repoPath"/> (a scratch repository: its current branch is moved
    /// commit by commit and put back at the end) with a fresh state in <paramref name="stateDir"/>.</summary>
    public static EvoSpeedResult Measure(LiveAdapter live, string repoPath, string stateDir, string modelDescription, string command)
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        using var repo = new Repository(repoPath);
        var branch = repo.Head.CanonicalName;
        var tip = repo.Head.Tip.Sha;
        var chain = new List<string>();
        for (var c = repo.Head.Tip; c is not null; c = c.Parents.FirstOrDefault()) chain.Add(c.Sha);
        chain.Reverse();

        PeakRss.Reset();
        var updates = new List<(LiveUpdateResult Result, double Ms)>();
        try
        {
            foreach (var sha in chain)
            {
                repo.Refs.UpdateTarget(branch, sha);
                var clock = Stopwatch.StartNew();
                var result = live.Update(repoPath, stateDir);
                updates.Add((result, clock.Elapsed.TotalMilliseconds));
            }
        }
        finally { repo.Refs.UpdateTarget(branch, tip); }
        var peak = PeakRss.MiB();
        var hot = HotGruHead(live, LiveAdapterState.TryLoad(stateDir, out _)?.H
                                   ?? throw new InvalidOperationException($"the replay left no GRU state in {stateDir}."));

        var kept = updates.Where(u => u.Result.GruSteps == 1).ToList();
        if (kept.Count < 2) throw new InvalidOperationException($"{repoPath} has {kept.Count} kept commits; timing needs at least 2.");
        var timed = kept.Skip(1).ToList();
        var t = timed.Select(u => (Timing: u.Result.Timings.Single(), u.Result.HeadMs, u.Ms)).ToList();
        var gruHead = t.Select(x => x.Timing.GruMs + x.HeadMs).ToList();
        return new EvoSpeedResult(live.Config.Name, modelDescription, live.ModelId, live.EncoderId, live.GruParameters, live.HeadParameters,
            Path.GetFileName(repoPath), chain.Count, kept.Count, timed.Count,
            Median(t.Select(x => x.Timing.DiffEncodeMs)), P90(t.Select(x => x.Timing.DiffEncodeMs)),
            Median(gruHead), P90(gruHead), GruHeadGoalMs, Median(gruHead) <= GruHeadGoalMs,
            Median(t.Select(x => x.Timing.GruMs)), Median(t.Select(x => x.HeadMs)), Median(hot), P90(hot),
            Median(t.Select(x => x.Timing.MineMs)), P90(t.Select(x => x.Timing.MineMs)), Median(t.Select(x => x.Timing.PersistMs)),
            Median(t.Select(x => x.Ms)), P90(t.Select(x => x.Ms)), Median(updates.Where(u => u.Result.GruSteps == 0 && u.Result.CommitsWalked == 1).Select(u => u.Ms)),
            Math.Round(kept[0].Result.Timings.Single().StateEncodeMs, 1), Math.Round(peak, 0), torch.get_num_threads(), live.Device.ToString(),
            MachineLoad.OneMinute(), Provenance.Capture(command));
    }

    private static List<double> HotGruHead(LiveAdapter live, float[] h, int repeats = 30)
    {
        var diff = new float[live.DiffDim];
        var times = new List<double>();
        for (var i = 0; i <= repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            var next = live.Advance(h, null, diff);
            using (var adapter = live.Adapter(next))
            using (torch.NewDisposeScope())
                foreach (var a in adapter.A.Values) a.sum().item<float>();
            if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);     // the first pass warms up
        }
        return times;
    }

    /// <summary>A seeded, untrained GRU and head of <paramref name="config"/>'s shapes for <paramref name="baseModel"/>, written to
    /// <paramref name="dir"/>: their cost per commit is a trained model's, so latency can be measured before training.</summary>
    public static void SaveUntrained(EvoExperimentConfig config, LoadedModel baseModel, string dir)
    {
        var embedder = new ChunkEmbedder(baseModel.Model, baseModel.Tokenizer);
        torch.manual_seed(config.Seed);
        using var gru = new CommitGru(config.Gru(2 * embedder.Dimension), baseModel.Model.Device);
        using var head = new Code2LoraHead(config.Head(), baseModel.Config, baseModel.Model.Device);
        EvoFiles.Save(dir, gru, head, EncoderId.Compute(embedder, config.Encoder));
    }

    /// <summary>A one-repository copy of the preset's forge world in <paramref name="dir"/> (regenerated, so the replay may move its branch).</summary>
    public static string ForgeRepository(ForgeConfig forge, string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return RepoForge.Generate(dir, forge with { Repos = 1 })[0].Path;
    }

    /// <summary>A scratch clone (with a work tree, as `c2l evo update` follows one) of a real history's cached clone in
    /// <paramref name="dir"/>, so the replay may move its branch without touching the cache.</summary>
    public static string HistoryRepository(string clonePath, string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Repository.Clone(clonePath, dir);
        return dir;
    }

    private static double Median(IEnumerable<double> values) => Percentile(values, 0.5);
    private static double P90(IEnumerable<double> values) => Percentile(values, 0.9);

    private static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : Math.Round(sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))], 2);
    }
}
