using Code2Lora.Config;
using Code2Lora.Experiments.Sweeps;

namespace Code2Lora.Tests.Sweeps;

/// <summary>Grid parsing and its errors, and the run folders a plan gives each point × seed.</summary>
public sealed class SweepPlanTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("c2l-sweep-plan-").FullName;

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    private SweepPlan Plan(params string[] grid) => Sweep.Plan("static", "smoke", grid, seeds: 2, runsRoot: _root, outDir: Path.Combine(_root, "out"));

    [Fact]
    public void AxisSplitsOnTopLevelCommasOnly()
    {
        Assert.Equal(new[] { "4", "8", "16" }, SweepAxis.Parse("lora.rank=4, 8,16").Values);
        var lists = SweepAxis.Parse("lora.target_modules=[\"q_proj\",\"v_proj\"],[\"q_proj\"]");
        Assert.Equal("lora.target_modules", lists.Key);
        Assert.Equal(new[] { "[\"q_proj\",\"v_proj\"]", "[\"q_proj\"]" }, lists.Values);
        Assert.Equal(new[] { "\"a,b\"", "c" }, SweepAxis.Parse("name=\"a,b\",c").Values);
        Assert.Equal("lora.rank=8", SweepAxis.Parse("lora.rank=4,8").Override(1));
    }

    [Theory]
    [InlineData("lora.rank", "is not key=v1,v2")]
    [InlineData("lora.rank=4,,8", "empty value")]
    [InlineData("lora.rank=4,4", "lists '4' twice")]
    [InlineData("lora.target_modules=[\"q_proj\"", "unclosed")]
    public void MalformedAxesAreNamed(string text, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => SweepAxis.Parse(text));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith("--grid: ", e.Message);
    }

    [Fact]
    public void UnknownKeyNamesTheKeyAndTheConfigFile()
    {
        var e = Assert.Throws<ConfigException>(() => Plan("lora.rnak=2,4"));
        Assert.StartsWith("configs/static/smoke.json: --grid lora.rnak: unknown key; did you mean 'rank'?", e.Message);
        var top = Assert.Throws<ConfigException>(() => Plan("head_hiden=32"));
        Assert.Contains("head_hiden", top.Message);
        Assert.Contains("did you mean 'head_hidden'", top.Message);
    }

    [Theory]
    [InlineData("lora.rank=2,abc", "'abc' is not a whole number")]
    [InlineData("lora.rank=2,2.5", "expected a whole number, got 2.5")]
    [InlineData("per_layer_head=true,maybe", "'maybe' is not true or false")]
    [InlineData("lora.rank=0", "LoRA rank must be positive")]
    public void BadValueTypeNamesTheKeyTheValueAndTheFile(string grid, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => Plan(grid));
        Assert.StartsWith("configs/static/smoke.json: --grid ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void SeedsMethodsAndRepeatedKeysAreCheckedToo()
    {
        Assert.Contains("use --seeds", Assert.Throws<ConfigException>(() => Plan("seed=1,2")).Message);
        Assert.Contains("given twice", Assert.Throws<ConfigException>(() => Plan("lora.rank=2", "lora.rank=4")).Message);
        Assert.Contains("same config", Assert.Throws<ConfigException>(() => Plan("dtype=fp32,\"fp32\"")).Message);
        var m = Assert.Throws<ConfigException>(() => Sweep.Plan("static", "smoke", [], methods: ["static", "nosuch"], runsRoot: _root));
        Assert.Contains("'nosuch' is not a static method", m.Message);
        Assert.Contains("1 or more", Assert.Throws<ConfigException>(() => Sweep.Plan("static", "smoke", [], seeds: 0, runsRoot: _root)).Message);
    }

    [Fact]
    public void PointsAreTheGridProductWithTheDefaultFirstAndSeedsFromTheConfigs()
    {
        var plan = Plan("lora.rank=4,2", "head_hidden=32,64");
        Assert.Equal(["lora.rank=2, head_hidden=32 (default)", "lora.rank=4, head_hidden=32", "lora.rank=4, head_hidden=64", "lora.rank=2, head_hidden=64"],
            plan.Points.Select(p => p.Label));
        Assert.Equal([3407, 3408], plan.Seeds);                          // the smoke config's seed, then the next
        Assert.Equal(["static", "slora"], plan.Methods);
        Assert.Equal(8, plan.Runs.Count());
        Assert.Equal(8, plan.Runs.Select(r => r.Folder).Distinct().Count());
        var rank4 = plan.Points[1].Runs[1];
        Assert.Equal((4, 3408), (((Code2Lora.Experiments.StaticExperimentConfig)rank4.Config.Value).Lora.Rank, ((Code2Lora.Experiments.StaticExperimentConfig)rank4.Config.Value).Seed));
        // A grid that leaves the default out still gets it, as the baseline of the comparisons.
        var away = Plan("lora.rank=4,8");
        Assert.Equal(["default", "lora.rank=4", "lora.rank=8"], away.Points.Select(p => p.Label));
        Assert.True(away.Default.Overrides.Count == 0);
    }

    [Fact]
    public void TwoGridsSharingAPointShareItsFolders()
    {
        var ranks = Plan("lora.rank=2,4");
        var widths = Plan("head_hidden=32,64");
        var more = Plan("lora.rank=4,8");
        // The default point (rank 2 = head_hidden 32 = the unmodified smoke config) is one folder per seed in all three.
        Assert.Equal(ranks.Default.Runs.Select(r => r.Folder), widths.Default.Runs.Select(r => r.Folder));
        Assert.Equal(ranks.Default.Runs.Select(r => r.Folder), more.Default.Runs.Select(r => r.Folder));
        Assert.Equal(ranks.Points.Single(p => p.Label == "lora.rank=4").Runs.Select(r => r.Folder), more.Points.Single(p => p.Label == "lora.rank=4").Runs.Select(r => r.Folder));
        Assert.DoesNotContain(ranks.Points.Single(p => p.Label == "lora.rank=4").Runs[0].Folder, widths.Runs.Select(r => r.Folder));
        // The key is the resolved config's: the device (not part of the numbers) does not change it, a base --set does.
        Assert.Equal(ranks.Default.Runs[0].Key, Sweep.Plan("static", "smoke", [], runsRoot: _root, overrides: ["device=cpu"]).Default.Runs[0].Key);
        Assert.NotEqual(ranks.Default.Runs[0].Key, Sweep.Plan("static", "smoke", [], runsRoot: _root, overrides: ["max_new_tokens=8"]).Default.Runs[0].Key);
        Assert.All(ranks.Runs, r => Assert.Equal(Path.Combine(_root, "static-" + r.Key), r.Folder));
    }
}
