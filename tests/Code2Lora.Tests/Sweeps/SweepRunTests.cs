using System.Text.Json.Nodes;
using Code2Lora.Experiments.Sweeps;

namespace Code2Lora.Tests.Sweeps;

/// <summary>Running a sweep with a runner that trains nothing: interruption and resume, the estimate, and the table's numbers.</summary>
public sealed class SweepRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("c2l-sweep-run-").FullName;

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    private SweepPlan Plan(params string[] grid) => Sweep.Plan("static", "smoke", grid, seeds: 2, runsRoot: _root, outDir: Path.Combine(_root, "out"));

    [Fact]
    public async Task AnInterruptedSweepResumesAndSkipsFinishedRuns()
    {
        var plan = Plan("lora.rank=2,4");
        var first = new FakeSweepRunner(stopBefore: 3);
        await Assert.ThrowsAsync<OperationCanceledException>(() => Sweep.RunAsync(plan, first));
        Assert.Equal(3, first.Ran.Count);
        Assert.Equal(3, plan.Finished.Count);
        Assert.False(File.Exists(Path.Combine(plan.OutDir, "sweep.md")));          // no table from a half sweep

        var notes = new List<string>();
        var second = new FakeSweepRunner();
        await Sweep.RunAsync(plan, second, note: notes.Add);
        Assert.Equal([plan.Runs.Last().Key], second.Ran);                             // only the run the interruption stopped
        Assert.Equal(3, notes.Count(n => n.Contains("finished earlier, skipped")));
        var marker = SweepMarker.Read(plan.Runs.Last())!;
        Assert.Equal(4, JsonNode.Parse(marker.Config.ToJsonString())!["lora"]!["rank"]!.GetValue<int>());   // the marker holds the resolved config
        Assert.True(File.Exists(Path.Combine(plan.Runs.Last().Folder, "static.config.json")));

        // A finished sweep runs nothing; asking for a method a marker lacks re-runs those runs.
        var third = new FakeSweepRunner();
        await Sweep.RunAsync(plan, third);
        Assert.Empty(third.Ran);
        var withFft = Sweep.Plan("static", "smoke", ["lora.rank=2,4"], seeds: 2, methods: ["static", "slora", "fft"], runsRoot: _root, outDir: Path.Combine(_root, "out"));
        Assert.Empty(withFft.Finished);
        // A run folder whose marker was lost (a half-done run) is run again.
        File.Delete(plan.Runs.First().MarkerFile);
        var fourth = new FakeSweepRunner();
        await Sweep.RunAsync(plan, fourth);
        Assert.Equal([plan.Runs.First().Key], fourth.Ran);
    }

    [Fact]
    public async Task ALogLinearFitOverOneNumericAxisUsesEverySeedAndPlacesTheDefaultWhereItIsTold()
    {
        var plan = Plan("lora.rank=4,16");                                           // smoke's own rank, 2, is the default point
        var table = await Sweep.RunAsync(plan, new FakeSweepRunner());
        double Seed(int rank, int seed) => Math.Round(Enumerable.Range(0, FakeSweepRunner.Tasks).Average(i => FakeSweepRunner.Nll(rank, seed, i)), 4);
        var points = new[] { 2, 4, 16 }.SelectMany(r => new[] { 3407, 3408 }.Select(s => (X: (double)r, Y: Seed(r, s)))).ToList();
        var fit = SweepFit.Of(table, "static", "cr_test", r => r.Nll, defaultX: 2);
        var expected = Code2Lora.Evaluation.Statistics.LogLinearFit.Of(points.Select(p => p.X).ToList(), points.Select(p => p.Y).ToList());
        Assert.Equal((6, expected.Slope, expected.RSquared), (fit.Points, fit.Slope, fit.RSquared));
        Assert.True(fit.Slope < 0);                                                  // NLL falls as the rank grows
        Assert.Equal(4, SweepFit.Of(table, "static", "cr_test", r => r.Nll).Points); // no x for the default point: left out
        var chart = Code2Lora.Reporting.SweepFigures.Fit(points, fit, "LoRA rank", "NLL", "static, CR-test");
        Assert.Equal(2, Plotly.NET.GenericChart.getTraces(chart).Length);
        var twoAxes = await Sweep.RunAsync(Plan("lora.rank=4", "lora.alpha=8"), new FakeSweepRunner());
        Assert.Contains("one axis", Assert.Throws<ArgumentException>(() => SweepFit.Of(twoAxes, "static", "cr_test", r => r.Nll)).Message);
    }

    [Fact]
    public async Task TableAveragesSeedsAndPairsEachPointWithTheDefault()
    {
        var plan = Plan("lora.rank=2,4");
        var table = await Sweep.RunAsync(plan, new FakeSweepRunner());
        Assert.Equal(2 * 2 * 2, table.Rows.Count);                                    // points × methods × splits
        var def = table.Rows.First(r => r.IsDefault && r.Method == "static" && r.Split == "cr_test");
        var rank4 = table.Rows.First(r => r.Point == "lora.rank=4" && r.Method == "static" && r.Split == "cr_test");
        double Mean(int rank) => new[] { 3407, 3408 }.Average(s => Enumerable.Range(0, FakeSweepRunner.Tasks).Average(i => FakeSweepRunner.Nll(rank, s, i)));
        Assert.Equal(Math.Round(Mean(2), 4), def.Nll!.Mean, 4);
        Assert.Equal(2, def.Nll.PerSeed.Count);
        Assert.Equal(0.0071, def.Nll.Sd!.Value, 4);                                   // the two seeds differ by 0.01 → SD 0.01/√2
        Assert.Null(def.NllVsDefault);
        Assert.Equal(2 * FakeSweepRunner.Tasks, rank4.PairedTasks);                  // both seeds' tasks, paired seed by seed
        Assert.Equal(Math.Round(Mean(4) - Mean(2), 4), rank4.NllVsDefault!.Difference, 4);
        Assert.True(rank4.NllVsDefault.Ci[1] < 0 && rank4.NllVsDefault.RepoCi is { } repo && repo[1] < 0, "rank 4's NLL is lower on every task");
        Assert.Equal(3, rank4.NllVsDefault.Repos);
        Assert.NotNull(rank4.EmVsDefault!.McNemar);
        Assert.NotNull(rank4.CodeBleu);

        var md = File.ReadAllText(Path.Combine(plan.OutDir, "sweep.md"));
        Assert.Contains("| lora.rank=4 | static | cr_test | 2 |", md);
        Assert.Contains("repos [", md);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(plan.OutDir, "sweep.json")))!;
        Assert.NotNull(json["provenance"]!["git_sha"]);
        Assert.Equal("configs/static/smoke.json", json["provenance"]!["configs"]![0]!["source"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(plan.OutDir, "sweep.html")));
        Assert.True(File.Exists(Path.Combine(plan.OutDir, "sweep.run.json")));       // the provenance sidecar of both files

        var back = SweepTable.Read(plan.OutDir);                                      // what a notebook reads from a committed sweep
        Assert.Equal(table.Rows.Count, back.Rows.Count);
        Assert.Equal(rank4.NllVsDefault.Difference, back.Rows.First(r => r.Point == "lora.rank=4" && r.Method == "static" && r.Split == "cr_test").NllVsDefault!.Difference);
        Assert.Equal(table.Points.Select(p => p.Label), back.Points.Select(p => p.Label));
        Assert.Contains("no sweep table here", Assert.Throws<FileNotFoundException>(() => SweepTable.Read(_root)).Message);
    }

    [Fact]
    public async Task EstimateIsMeasuredFromFinishedRunsOrConfiguredOrSaysItIsUnknown()
    {
        var plan = Plan("lora.rank=2,4");
        var unknown = Sweep.Estimate(plan);
        Assert.Equal((4, 0, 4, null), (unknown.Runs, unknown.Finished, unknown.Pending, unknown.SecondsPerRun));
        Assert.StartsWith("unknown", unknown.Basis);
        Assert.Contains("CPU time unknown", unknown.ToString());

        var configured = Sweep.Estimate(plan, secondsPerRun: 30);
        Assert.Equal(120, configured.TotalSeconds);
        Assert.Contains("configured", configured.ToString());

        // Two runs' timings.json (60 s and 100 s of static + slora + evaluation): the median, 80 s, for each of the 4 runs.
        void Timings(SweepRun run, double each)
        {
            Directory.CreateDirectory(run.Folder);
            File.WriteAllText(run.TimingsFile, $$"""{"stages":[{"stage":"train static","seconds":{{each}}},{"stage":"train slora","seconds":{{each}}},{"stage":"evaluate","seconds":{{each}}}]}""");
        }
        Timings(plan.Runs.ElementAt(0), 20);
        Timings(plan.Runs.ElementAt(1), 100 / 3.0);
        var measured = Sweep.Estimate(plan);
        Assert.Equal(80, measured.SecondsPerRun!.Value, 6);
        Assert.Equal(320, measured.TotalSeconds!.Value, 6);
        Assert.Contains("median of the timings.json of 2 finished run(s) of this sweep", measured.ToString());

        // Finished runs are not counted again; another grid on the same runs root is estimated from these runs.
        await Sweep.RunAsync(plan, new FakeSweepRunner());
        Assert.Equal(0, Sweep.Estimate(plan).Pending);
        var other = Sweep.Plan("static", "smoke", ["head_hidden=64"], seeds: 1, runsRoot: _root, overrides: ["max_new_tokens=8"]);
        var fromEarlier = Sweep.Estimate(other);
        Assert.Equal((2, 0), (fromEarlier.Runs, fromEarlier.Finished));
        Assert.Contains("earlier sweep run(s) of static on bench smoke", fromEarlier.Basis);
    }
}
