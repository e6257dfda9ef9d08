using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Experiments.Sweeps;
using Code2Lora.Runtime;
using Code2Lora.Tests.Experiments;

namespace Code2Lora.Tests.Sweeps;

/// <summary>A real sweep end to end: the smoke config cut to seconds (the trained baselines' fixture), LoRA rank 2 and 4 × 2 seeds,
/// each run training Code2LoRA-Static and single LoRA and evaluating them on the fixture's hand-written benchmark.</summary>
[Collection("Torch")]
public sealed class SmokeSweepTests(BaselineBench bench) : IClassFixture<BaselineBench>
{
    /// <summary>Counts the runs the real runner is asked for.</summary>
    private sealed class Counting(ISweepRunner inner) : ISweepRunner
    {
        public int Runs;
        public Task<IReadOnlyDictionary<string, SweepMethodResult>> RunAsync(SweepRun run, IReadOnlyList<string> methods, StageTimings timings, string command,
            Action<string>? note, CancellationToken cancel)
        {
            Runs++;
            return inner.RunAsync(run, methods, timings, command, note, cancel);
        }
    }

    [Fact]
    public async Task TwoPointsTimesTwoSeedsTrainEvaluateAndWriteTheTable()
    {
        var config = Path.Combine(bench.Root, "sweep-smoke.json");
        // Every training checkpoints only at its end and logs no validation loss: seconds per run.
        var c = BaselineBench.Config with
        {
            StaticTraining = BaselineBench.Config.StaticTraining with { CheckpointEvery = 0, EvalEvery = 0 },
            SingleLoraTraining = BaselineBench.Config.SingleLoraTraining with { CheckpointEvery = 0, EvalEvery = 0 },
        };
        File.WriteAllText(config, ConfigFiles.Canonical(c));
        var plan = Sweep.Plan("static", config, ["lora.rank=2,4"], seeds: 2, runsRoot: Path.Combine(bench.Root, "sweeps"), outDir: Path.Combine(bench.Root, "sweep-out"));
        Assert.Equal(["lora.rank=2 (default)", "lora.rank=4"], plan.Points.Select(p => p.Label));
        var runner = new Counting(new StaticSweepRunner(Path.Combine(bench.Root, "bench"), _ => bench.Contexts));

        var table = await Sweep.RunAsync(plan, runner);
        Assert.Equal(4, runner.Runs);
        Assert.Equal(8, table.Rows.Count);                                            // 2 points × static, slora × CR, IR
        Assert.All(table.Rows, r => Assert.Equal(2, r.Seeds));
        Assert.All(table.Rows, r => Assert.True(r.Nll is { Mean: > 0 } && r.EditSim is not null && r.Em is not null && r.CodeBleu is not null, r.ToString()));
        // Seeds change initialisation and data order: the across-seed spread of the trained head is not zero.
        Assert.Contains(table.Rows, r => r.Nll!.Sd > 0);
        var paired = table.Rows.Where(r => !r.IsDefault).ToList();
        Assert.All(paired, r => Assert.True(r.PairedTasks == 8 && r.NllVsDefault is not null && r.EmVsDefault is not null, r.ToString()));  // 4 tasks per split × 2 seeds
        Assert.All(plan.Runs, r => Assert.True(File.Exists(Path.Combine(r.Folder, "run", "code2lora-static", "head.safetensors")), r.Folder));
        Assert.All(plan.Runs, r => Assert.True(File.Exists(Path.Combine(r.Folder, "results", "summary.json")), r.Folder));
        Assert.True(File.Exists(Path.Combine(plan.OutDir, "sweep.md")) && File.Exists(Path.Combine(plan.OutDir, "sweep.json")));
        if (Code2Lora.Reporting.FigureExport.CanRender) Assert.True(File.Exists(Path.Combine(plan.OutDir, "sweep.png")));

        // Run again: every run is finished, nothing trains, and the table is the same.
        var again = await Sweep.RunAsync(plan, runner);
        Assert.Equal(4, runner.Runs);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(table.Rows), System.Text.Json.JsonSerializer.Serialize(again.Rows));
    }

    [Fact]
    public async Task A_boundary_sweep_of_the_frozen_base_trains_nothing_and_pairs_the_base_rows()
    {
        var config = Path.Combine(bench.Root, "sweep-boundary.json");
        File.WriteAllText(config, ConfigFiles.Canonical(BaselineBench.Config));
        var plan = Sweep.Plan("static", config, ["prompt_boundary=healed"], methods: ["base"], runsRoot: Path.Combine(bench.Root, "sweeps"),
            outDir: Path.Combine(bench.Root, "sweep-boundary-out"));
        Assert.Equal(["default", "prompt_boundary=healed"], plan.Points.Select(p => p.Label));

        var table = await Sweep.RunAsync(plan, new StaticSweepRunner(Path.Combine(bench.Root, "bench"), _ => bench.Contexts));
        Assert.Equal(4, table.Rows.Count);                                            // 2 points × base × CR, IR
        Assert.All(table.Rows, r => Assert.Equal("base", r.Method));
        Assert.All(plan.Runs, r => Assert.False(Directory.Exists(Path.Combine(r.Folder, "run", "code2lora-static")), r.Folder));   // nothing trained
        // The healed prompts are other token sequences, so the base's target NLL moves; the rows are paired task by task.
        var healed = table.Rows.Where(r => !r.IsDefault).ToList();
        Assert.All(healed, r => Assert.True(r.PairedTasks == 4 && r.NllVsDefault is { } d && d.Difference != 0, r.ToString()));
    }
}
