using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Code2Lora.Runtime;

namespace Code2Lora.Training.Throughput;

/// <summary>How the trainings of one round run: LibTorch's OpenMP wait policy ("" keeps libgomp's default, which spins before it
/// sleeps) and its thread count (0: one per core).</summary>
public sealed record ContentionVariant(string Name, string WaitPolicy, int Threads)
{
    /// <summary>The default before this benchmark existed, the passive wait that c2l now sets, and passive with one thread each.</summary>
    public static IReadOnlyList<ContentionVariant> Defaults { get; } =
    [
        new("spin (libgomp default), threads = cores", "", 0),
        new("passive wait (c2l default), threads = cores", "PASSIVE", 0),
        new("passive wait, 1 thread", "PASSIVE", 1),
    ];
}

/// <summary>One timed training process of the benchmark.</summary>
public sealed record ContentionRun(string Variant, int Concurrent, int Index, int Threads, double MsPerStep, double TokensPerS, double WallSeconds,
    string? LoadBefore, string? LoadAfter);

/// <summary>A variant's speed alone and that of each of two concurrent trainings, as a share of alone.</summary>
public sealed record ContentionSummary(string Variant, string WaitPolicy, int Threads, double SoloTokensPerS, IReadOnlyList<double> ConcurrentTokensPerS,
    double WorstShareOfSolo, bool MeetsGoal);

/// <summary>results/bench/contention.json: what a second training on the same machine costs each of them.</summary>
public sealed record ContentionResult(string Preset, int Steps, int WarmupSteps, int Cores, double Goal, IReadOnlyList<ContentionSummary> Variants,
    IReadOnlyList<ContentionRun> Runs, string? LoadAtStart, string? LoadAtEnd, string Note, Provenance Provenance);

/// <summary>Times a fixed number of tiny training steps (`c2l bench train-speed`, TorchSharp only) in a process of its own, alone and
/// then two at once, for each <see cref="ContentionVariant"/>. Two trainings on two cores should each keep well over a third of their
/// solo speed; spinning OpenMP threads that wait for descheduled partners keep far less.</summary>
public static class ContentionBench
{
    /// <summary>The share of solo speed each of two concurrent trainings should keep.</summary>
    public const double Goal = 0.40;

    /// <summary>Runs every variant alone, then twice at once. <paramref name="launcher"/> starts c2l (e.g. ["dotnet", ".../c2l.dll"]);
    /// <paramref name="log"/> gets a line per finished round.</summary>
    public static ContentionResult Measure(IReadOnlyList<string> launcher, string preset, int steps, int warmup, IReadOnlyList<ContentionVariant> variants,
        string command, Action<string>? log = null)
    {
        if (steps < 1 || warmup < 0) throw new ArgumentException($"--steps {steps} / --warmup {warmup}: need at least one timed step; use --steps 40 on a quiet machine.");
        var provenance = Provenance.Capture(command);
        var work = Directory.CreateTempSubdirectory("c2l-contention-").FullName;
        var loadAtStart = MachineLoad.Now();
        var runs = new List<ContentionRun>();
        var summaries = new List<ContentionSummary>();
        try
        {
            foreach (var variant in variants)
            {
                var solo = Round(launcher, preset, steps, warmup, variant, 1, work);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{variant.Name}: alone {solo[0].TokensPerS:F0} tok/s (load {solo[0].LoadBefore})"));
                var pair = Round(launcher, preset, steps, warmup, variant, 2, work);
                runs.AddRange(solo);
                runs.AddRange(pair);
                var worst = pair.Min(r => r.TokensPerS) / solo[0].TokensPerS;
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{variant.Name}: two at once {string.Join(" and ", pair.Select(r => r.TokensPerS.ToString("F0", CultureInfo.InvariantCulture)))} tok/s, worst {worst:P0} of alone"));
                summaries.Add(new ContentionSummary(variant.Name, variant.WaitPolicy, solo[0].Threads, Math.Round(solo[0].TokensPerS, 1),
                    pair.Select(r => Math.Round(r.TokensPerS, 1)).ToList(), Math.Round(worst, 3), worst >= Goal));
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        var loadAtEnd = MachineLoad.Now();
        var note = $"Load averages at start {loadAtStart}, at end {loadAtEnd} on {Environment.ProcessorCount} cores. Other processes sharing "
                   + "the machine lower both the solo and the concurrent speeds; only a run at a load well below the core count measures "
                   + "the trainings against each other alone.";
        return new ContentionResult(preset, steps, warmup, Environment.ProcessorCount, Goal, summaries, runs, loadAtStart, loadAtEnd, note, provenance);
    }

    /// <summary>Starts <paramref name="concurrent"/> trainings at once and waits for all.</summary>
    private static List<ContentionRun> Round(IReadOnlyList<string> launcher, string preset, int steps, int warmup, ContentionVariant variant, int concurrent, string work)
    {
        var loadBefore = MachineLoad.Now();
        var started = new List<(Process Process, string Output, Stopwatch Clock, Task<string> Stderr)>();
        try
        {
            for (var i = 0; i < concurrent; i++)
            {
                var output = Path.Combine(work, $"{Slug(variant.Name)}-{concurrent}-{i}.json");
                var start = new ProcessStartInfo(launcher[0])
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                };
                foreach (var a in launcher.Skip(1)) start.ArgumentList.Add(a);
                foreach (var a in new[] { "bench", "train-speed", "--preset", preset, "--no-pytorch", "--precision", "fp32",
                             "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture),
                             "--threads", variant.Threads.ToString(CultureInfo.InvariantCulture), "--out", output })
                    start.ArgumentList.Add(a);
                start.Environment["OMP_WAIT_POLICY"] = variant.WaitPolicy;
                var process = Process.Start(start) ?? throw new InvalidOperationException($"{launcher[0]}: could not start; check that c2l is built.");
                _ = process.StandardOutput.ReadToEndAsync();
                started.Add((process, output, Stopwatch.StartNew(), process.StandardError.ReadToEndAsync()));
            }
            var runs = new List<ContentionRun>();
            foreach (var (process, output, clock, stderr) in started)
            {
                process.WaitForExit();
                var seconds = clock.Elapsed.TotalSeconds;
                if (process.ExitCode != 0 || !File.Exists(output))
                    throw new InvalidOperationException($"{variant.Name}: a training exited with code {process.ExitCode} ({stderr.Result.Trim()}); run `c2l bench train-speed --preset {preset} --no-pytorch` alone to see why.");
                var r = JsonSerializer.Deserialize<List<TrainThroughputResult>>(File.ReadAllText(output), Provenance.Json)!.Single();
                runs.Add(new ContentionRun(variant.Name, concurrent, runs.Count, r.Threads, Math.Round(r.MsPerStep, 1), Math.Round(r.TokensPerS, 1),
                    Math.Round(seconds, 1), loadBefore, MachineLoad.Now()));
            }
            return runs;
        }
        finally
        {
            foreach (var s in started)
            {
                if (!s.Process.HasExited) s.Process.Kill(entireProcessTree: true);
                s.Process.Dispose();
            }
        }
    }

    private static string Slug(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());

    /// <summary>The result as a Markdown table for the console and the docs.</summary>
    public static string Markdown(ContentionResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            "| variant | threads | alone, tok/s | two at once, tok/s each | worst share of alone | ≥ 40 % |",
            "|---|---|---|---|---|---|",
        };
        lines.AddRange(result.Variants.Select(v => string.Create(inv,
            $"| {v.Variant} | {v.Threads} | {v.SoloTokensPerS:F0} | {string.Join(" · ", v.ConcurrentTokensPerS.Select(t => t.ToString("F0", inv)))} | {v.WorstShareOfSolo:P0} | {(v.MeetsGoal ? "yes" : "no")} |")));
        lines.Add("");
        lines.Add(result.Note);
        return string.Join('\n', lines);
    }
}
