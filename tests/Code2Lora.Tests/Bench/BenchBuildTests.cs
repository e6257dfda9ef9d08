using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Reporting;
using LibGit2Sharp;

namespace Code2Lora.Tests.Bench;

/// <summary>The whole builder on a small world: forge histories, a plain snapshot directory, and broken repositories.</summary>
public class BenchBuildTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-benchbuild-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string TestFile(int n) => string.Join("\n", new[]
    {
        "import pytest", "from pkg.core import area, NAME", "",
        "def helper(x):", "    return x * 2", "",
    }.Concat(Enumerable.Range(0, n).SelectMany(i => new[]
    {
        $"def test_case_{i}():",
        $"    value = helper({i})",
        $"    assert value == {i * 2}",
        $"    assert area({i}, 2) == {i * 2}.0",
        "    with pytest.raises(ValueError):",
        "        area(-1, 1)",
        "",
    }))) + "\n";

    private string PlainSnapshot(string name, int tests)
    {
        var root = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(root, "pkg"));
        Directory.CreateDirectory(Path.Combine(root, "tests"));
        File.WriteAllText(Path.Combine(root, "pkg", "core.py"), "NAME = 'core'\n\ndef area(w, h):\n    if w < 0:\n        raise ValueError(w)\n    return float(w * h)\n");
        File.WriteAllText(Path.Combine(root, "tests", "test_core.py"), TestFile(tests));
        File.WriteAllText(Path.Combine(root, "tests", "test_broken.py"), "def test_x(:\n    assert 1 == 1\n");      // syntax error
        File.WriteAllBytes(Path.Combine(root, "tests", "test_latin1.py"), [0x61, 0x3d, 0xe9, 0x0a]);              // invalid UTF-8
        File.WriteAllBytes(Path.Combine(root, "pkg", "data.py"), [0x00, 0x01, 0x02]);                             // binary
        return root;
    }

    [Fact]
    public async Task BuildsBothTracksIsolatesFailuresAndReadsBack()
    {
        var forged = RepoForge.Generate(Path.Combine(_dir, "forge"), new ForgeConfig { Repos = 4, Commits = 12, FactsPerRepo = 6 });
        var empty = Path.Combine(_dir, "empty-git");
        Repository.Init(empty);
        var inputs = new List<RepoInput>();
        for (int i = 0; i < 4; i++) inputs.Add(new RepoInput($"plain/s{i}", PlainSnapshot($"s{i}", 3 + i), "test", Static: true, Evolution: false));
        inputs.Add(new RepoInput("plain/too-small", PlainSnapshot("small", 0), "test", Static: true, Evolution: false));
        inputs.Add(new RepoInput("broken/missing", Path.Combine(_dir, "does-not-exist"), "test"));
        inputs.Add(new RepoInput("broken/empty", empty, "test"));
        inputs.AddRange(forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, "forge", Static: false, Evolution: true)));

        var outDir = Path.Combine(_dir, "bench");
        var config = BenchConfig.Smoke;
        var summary = await BenchBuild.RunAsync(inputs, outDir, config, new MiningRules(), "test", parallelism: 2);

        Assert.Equal(2 + 2, summary.FailedRepos); // missing and empty, once per track each
        var skips = await File.ReadAllTextAsync(Path.Combine(outDir, "skips.md"));
        foreach (var reason in new[] { "SyntaxError", "InvalidUtf8", "Binary", "RepoFailed", "TooFewTasks" }) Assert.Contains(reason, skips);
        Assert.Contains("broken/missing", skips);

        var data = await BenchData.LoadAsync(outDir);
        Assert.Equal(4, data.StaticRepos.Count);
        Assert.Contains(data.StaticRepos, r => r.Split == SplitNames.CrTest);
        Assert.All(data.StaticTasks, t => Assert.Equal("static", t.Track));
        Assert.Contains(data.StaticTasks, t => t.Target == "2.0" || t.Target.EndsWith(".0"));
        Assert.Contains(data.StaticTasks, t => t.Target.StartsWith("ValueError"));
        // Train repositories' tasks are split in-repo; held-out repositories keep their cross-repo split.
        var trainRepos = data.StaticRepos.Where(r => r.Split == SplitNames.Train).Select(r => r.RepoId).ToHashSet();
        Assert.All(data.StaticTasks.Where(t => trainRepos.Contains(t.RepoId)), t => Assert.Contains(t.Split, new[] { "train", "ir_val", "ir_test" }));

        Assert.Equal(4, data.EvolutionRepos.Count);
        Assert.NotEmpty(data.Commits);
        Assert.All(data.Commits.GroupBy(c => c.RepoId), g => Assert.Equal(Enumerable.Range(0, g.Count()), g.Select(c => c.CommitIndex).OrderBy(i => i)));
        Assert.Contains(data.Commits, c => c.ProductionCodeDiff.Contains("@@"));
        Assert.Contains(data.EvolutionTasks, t => t.TaskKind == "repo_specific");
        Assert.All(data.EvolutionTasks.Where(t => t.Split == SplitNames.Train).GroupBy(t => (t.RepoId, t.CommitIndex)),
            g => Assert.True(g.Count() <= config.SmartCapPerCommit));
        Assert.All(data.EvolutionTasks, t => Assert.False(string.IsNullOrEmpty(t.AssertionEventId)));

        var manifest = await File.ReadAllTextAsync(Path.Combine(outDir, "manifest.json"));
        Assert.Contains("\"git_sha\"", manifest);
        Assert.Contains("\"min_tasks_per_repo\": 3", manifest);
        Assert.Contains("\"evolution_mining\"", manifest);   // per repository: commits walked, seconds, peak RSS
        Assert.Contains("\"peak_rss_mib\"", manifest);
        Assert.False(Directory.Exists(Path.Combine(outDir, "evolution", ".spool")));

        // Same inputs, same bytes: the build is deterministic, with 2 threads or 1.
        var again = Path.Combine(_dir, "bench2");
        await BenchBuild.RunAsync(inputs, again, config, new MiningRules(), "test", parallelism: 1);
        foreach (var f in new[] { "static/qna/train.parquet", "evolution/commits/train.parquet", "evolution/qna/train.parquet" })
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(outDir, f)), await File.ReadAllBytesAsync(Path.Combine(again, f)));
    }

    [Fact]
    public async Task HistoriesShareOnePartitionAcrossTracksAndWindowsKeepTheLastKeptCommits()
    {
        // Six histories in both tracks (as the shipped real histories are), six snapshots without history (as Debian's are).
        var forged = RepoForge.Generate(Path.Combine(_dir, "forge"), new ForgeConfig { Repos = 6, Commits = 14, FactsPerRepo = 6 });
        var inputs = Enumerable.Range(0, 6).Select(i => new RepoInput($"plain/s{i}", PlainSnapshot($"s{i}", 3 + i), "test", Static: true, Evolution: false)).ToList();
        inputs.AddRange(forged.Select(f => new RepoInput("history/" + f.RepoId, f.Path, "forge")));
        var config = BenchConfig.Smoke;
        var full = Path.Combine(_dir, "full");
        await BenchBuild.RunAsync(inputs, full, config, new MiningRules(), "test");
        var data = await BenchData.LoadAsync(full);

        var staticSplit = data.StaticRepos.ToDictionary(r => r.RepoId, r => r.Split);
        var histories = data.EvolutionRepos.Select(r => r.RepoId).ToList();
        Assert.Equal(6, histories.Count);
        Assert.All(data.EvolutionRepos, r => Assert.Equal(staticSplit[r.RepoId], r.Split));      // paper-notes §3.4 step 4
        Assert.All(data.Commits, c => Assert.Equal(staticSplit[c.RepoId], c.CrossRepoSplit));
        // Each group is split by the paper's fractions on its own, so the histories hold out their own repositories.
        foreach (var group in new[] { histories, data.StaticRepos.Select(r => r.RepoId).Except(histories).ToList() })
        {
            Assert.Equal(6, group.Count);
            Assert.Contains(group, id => staticSplit[id] == SplitNames.CrTest);
            Assert.Contains(group, id => staticSplit[id] == SplitNames.CrVal);
        }

        var windowed = Path.Combine(_dir, "window");
        await BenchBuild.RunAsync(inputs, windowed, config with { MaxKeptCommits = 4 }, new MiningRules(), "test");
        var w = await BenchData.LoadAsync(windowed);
        foreach (var g in data.Commits.GroupBy(c => c.RepoId))
        {
            var all = g.OrderBy(c => c.CommitIndex).ToList();
            var kept = w.Commits.Where(c => c.RepoId == g.Key).OrderBy(c => c.CommitIndex).ToList();
            Assert.Equal(all.TakeLast(4).Select(c => c.CommitSha), kept.Select(c => c.CommitSha));   // the last kept commits, renumbered
            Assert.Equal(Enumerable.Range(0, kept.Count), kept.Select(c => c.CommitIndex));
            Assert.Equal(all.TakeLast(4).Select(c => c.ProductionCodeDiff), kept.Select(c => c.ProductionCodeDiff));
            var shaAt = kept.ToDictionary(c => c.CommitIndex, c => c.CommitSha);
            Assert.All(w.EvolutionTasks.Where(t => t.RepoId == g.Key), t => Assert.Equal(shaAt[t.CommitIndex], t.CommitSha));
        }
        Assert.Equal(data.EvolutionRepos.Select(r => (r.RepoId, r.Split)), w.EvolutionRepos.Select(r => (r.RepoId, r.Split)));
    }

    [Fact]
    public async Task ReportOfAnEvolutionOnlyBenchmarkSaysTheStaticTrackIsEmpty()
    {
        // The forge's benchmark (configs/bench/forge.json) has no static track.
        var forged = RepoForge.Generate(Path.Combine(_dir, "forge"), new ForgeConfig { Repos = 3, Commits = 8, FactsPerRepo = 4 });
        var outDir = Path.Combine(_dir, "bench");
        await BenchBuild.RunAsync(forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, "forge", Static: false, Evolution: true)).ToList(),
            outDir, BenchConfig.Smoke, new MiningRules(), "test");
        var files = await BenchReport.WriteAsync(outDir, Path.Combine(_dir, "report"), "test", png: false);
        var md = await File.ReadAllTextAsync(files.First(f => f.EndsWith("stats.md")));
        Assert.Contains("No tasks: this benchmark has no repository in this track.", md);
        Assert.Contains("3 forge repositories (the project's controlled synthetic benchmark, not real code)", md);
        Assert.DoesNotContain(files, f => f.Contains("static-tasks-per-repo"));
        Assert.Contains(files, f => f.EndsWith("evolution-tasks-per-repo.html"));
    }

    [Fact]
    public async Task ReportWritesTablesAndFigures()
    {
        var inputs = Enumerable.Range(0, 3).Select(i => new RepoInput($"plain/r{i}", PlainSnapshot($"r{i}", 2 + i), "test", Static: true, Evolution: false)).ToList();
        var forged = RepoForge.Generate(Path.Combine(_dir, "forge"), new ForgeConfig { Repos = 3, Commits = 8, FactsPerRepo = 4 });
        inputs.AddRange(forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, "forge", Static: false, Evolution: true)));
        var outDir = Path.Combine(_dir, "bench");
        await BenchBuild.RunAsync(inputs, outDir, BenchConfig.Smoke, new MiningRules(), "test");
        var files = await BenchReport.WriteAsync(outDir, Path.Combine(_dir, "report"), "test", png: false);
        Assert.Contains(files, f => f.EndsWith("stats.md"));
        Assert.Contains(files, f => f.EndsWith("static-tasks-per-repo.html"));
        var md = await File.ReadAllTextAsync(files.First(f => f.EndsWith("stats.md")));
        Assert.Contains("| split | repos | tasks | tasks_per_repo |", md);
        Assert.Contains("## Evolution mining, per repository", md);
        Assert.Equal(3, BenchReport.MiningStats(outDir).Count);
        Assert.All(BenchReport.MiningStats(outDir), m => Assert.True(m.PeakRssMib > 0 && m.CommitsWalked > 0));
        var html = await File.ReadAllTextAsync(files.First(f => f.EndsWith("static-tasks-per-repo.html")));
        Assert.Contains(FigureExport.PlotlyScript, html);
        Assert.True(File.Exists(Path.Combine(_dir, "report", FigureExport.PlotlyScript)));
    }
}
