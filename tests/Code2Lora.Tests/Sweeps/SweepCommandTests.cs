using Code2Lora.Experiments.Sweeps;
using Code2Lora.Tests.Cli;

namespace Code2Lora.Tests.Sweeps;

/// <summary><c>c2l sweep --dry-run</c>: the plan and the estimate, and nothing written or trained.</summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("c2l-sweep-cli-").FullName;

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    [Fact]
    public async Task DryRunPrintsEveryRunAndTheEstimateAndWritesNothing()
    {
        var runs = Path.Combine(_root, "runs");
        var output = Path.Combine(_root, "out");
        var outcome = await CliRun.C2lAsync("sweep", "--config", "smoke", "--grid", "lora.rank=2,4", "--seeds", "2", "--runs", runs, "--out", output,
            "--seconds-per-run", "90", "--dry-run");
        Assert.True(outcome.ExitCode == 0, outcome.All);
        var plan = Sweep.Plan("static", "smoke", ["lora.rank=2,4"], seeds: 2, runsRoot: runs);
        foreach (var run in plan.Runs) Assert.Contains(run.Key, outcome.Stdout);
        Assert.Contains("2 point(s) × 2 seed(s) (3407, 3408), methods static, slora", outcome.Stdout);
        Assert.Contains("estimate: 4 run(s) (0 finished, 4 to run) × 90 s = 6.0 min of CPU time", outcome.Stdout);
        Assert.False(Directory.Exists(runs) || Directory.Exists(output));
        // The kind follows the config file's folder: an evo file is planned with the evo methods.
        var evo = await CliRun.C2lAsync("sweep", "--config", Path.Combine(Code2Lora.Config.RepoPaths.Root, "configs", "evo", "smoke.json"),
            "--grid", "walk.bptt_window=4,16", "--runs", runs, "--dry-run");
        Assert.True(evo.ExitCode == 0, evo.All);
        Assert.Contains("(evo): 2 point(s) × 1 seed(s) (3407), methods evo, evo-slora", evo.Stdout);
    }
}
