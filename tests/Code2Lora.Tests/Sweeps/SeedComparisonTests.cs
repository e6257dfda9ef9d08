using Code2Lora.Evaluation.Statistics;
using Code2Lora.Experiments.Sweeps;

namespace Code2Lora.Tests.Sweeps;

/// <summary>Methods against the single-LoRA control seed by seed: a claim holds only where every seed and the pooled intervals agree.</summary>
public sealed class SeedComparisonTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("c2l-seed-cmp-").FullName;

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    [Fact]
    public async Task ASeedsOnlySweepComparesEachMethodWithSingleLoraSeedBySeed()
    {
        var plan = Sweep.Plan("static", "smoke", [], seeds: 2, methods: ["static", "slora", "fft"], runsRoot: _root, outDir: Path.Combine(_root, "out"));
        var table = await Sweep.RunAsync(plan, new FakeSweepRunner());
        Assert.Equal(2 * 2, table.VersusControl!.Count);                              // (static, fft) × 2 splits, one point
        var stat = table.VersusControl.Single(c => c.Method == "static" && c.Split == "cr_test");
        Assert.Equal(("default", "slora"), (stat.Point, stat.Control));
        Assert.Equal([3407, 3408], stat.Seeds);
        Assert.All(stat.PerSeed, e => Assert.Equal(0.1, e.Difference, 4));           // Static is 0.1 above single LoRA on every task
        Assert.Equal((0.1, 0.0), (stat.Spread.Mean, stat.Spread.Sd!.Value));
        Assert.Equal(SeedComparison.Holds, stat.Verdict);

        var fft = table.VersusControl.Single(c => c.Method == "fft" && c.Split == "cr_test");
        Assert.Equal([0.08, -0.01], fft.PerSeed.Select(e => Math.Round(e.Difference, 4)));
        Assert.Equal(0.035, fft.Pooled.Difference, 4);
        Assert.True(fft.Pooled.Ci[0] > 0 && fft.Pooled.RepoCi![0] > 0);             // pooled, the bootstrap alone would call it
        Assert.Equal(SeedComparison.SeedsDisagree, fft.Verdict);                      // but seed 3408 points the other way

        var md = File.ReadAllText(Path.Combine(plan.OutDir, "sweep.md"));
        Assert.Contains("## Against the single-LoRA control, seed by seed", md);
        Assert.Contains("| default | fft − slora | cr_test | 3407: +0.080 [0.080, 0.080]; 3408: -0.010 [-0.010, -0.010] |", md);
        Assert.Equal(SeedComparison.SeedsDisagree, SweepTable.Read(plan.OutDir).VersusControl!.Single(c => c.Method == "fft" && c.Split == "ir_test").Verdict);
    }

    [Fact]
    public async Task WithoutTheControlThereIsNoComparison()
    {
        var plan = Sweep.Plan("static", "smoke", ["lora.rank=4"], seeds: 1, methods: ["static"], runsRoot: _root, outDir: Path.Combine(_root, "out"));
        var table = await Sweep.RunAsync(plan, new FakeSweepRunner());
        Assert.Null(table.VersusControl);
        Assert.DoesNotContain("single-LoRA control", File.ReadAllText(Path.Combine(plan.OutDir, "sweep.md")));
    }

    [Fact]
    public void AnIntervalAcrossZeroAnywhereInThePooledEffectIsNotSignificant()
    {
        static PairedEffect E(double lo, double hi, double[]? repo) => new((lo + hi) / 2, [lo, hi], repo, 3, 0, 0, 1, null, null);
        var up = E(0.1, 0.2, [0.05, 0.3]);
        Assert.Equal(SeedComparison.Holds, SeedComparison.Judge([up, up], up));
        Assert.Equal(SeedComparison.NotSignificant, SeedComparison.Judge([up, up], E(0.1, 0.2, [-0.01, 0.3])));   // repositories disagree
        Assert.Equal(SeedComparison.NotSignificant, SeedComparison.Judge([up, up], E(-0.1, 0.2, [0.05, 0.3])));
        Assert.Equal(SeedComparison.NotSignificant, SeedComparison.Judge([up], E(0.1, 0.2, null)));            // one repository: no clustered CI
        Assert.Equal(SeedComparison.SeedsDisagree, SeedComparison.Judge([up, E(-0.05, 0.15, null)], up));
        var down = E(-0.3, -0.1, [-0.4, -0.05]);
        Assert.Equal(SeedComparison.Holds, SeedComparison.Judge([down], down));
    }
}
