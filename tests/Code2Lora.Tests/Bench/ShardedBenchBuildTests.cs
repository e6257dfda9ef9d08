using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Reporting;

namespace Code2Lora.Tests.Bench;

/// <summary>Sharded mining (docs/sharding.md): N partitions merged give the data files of one process, byte for byte.</summary>
public class ShardedBenchBuildTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-shardbuild-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] DataFiles =
        SplitNames.QnaFiles.Select(s => $"static/qna/{s}.parquet")
            .Concat(new[] { SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest }.Select(s => $"static/repos/{s}.parquet"))
            .Concat(SplitNames.QnaFiles.Select(s => $"evolution/qna/{s}.parquet"))
            .Concat(new[] { SplitNames.Train, SplitNames.CrVal, SplitNames.CrTest }.SelectMany(s => new[] { $"evolution/commits/{s}.parquet", $"evolution/repos/{s}.parquet" }))
            .ToArray();

    private string Snapshot(string name, int tests)
    {
        var root = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(root, "pkg"));
        Directory.CreateDirectory(Path.Combine(root, "tests"));
        File.WriteAllText(Path.Combine(root, "pkg", "core.py"), "def area(w, h):\n    return float(w * h)\n");
        File.WriteAllText(Path.Combine(root, "tests", "test_core.py"), "from pkg.core import area\n\n" + string.Concat(Enumerable.Range(0, tests).Select(i =>
            $"def test_case_{i}():\n    value = area({i}, 2)\n    assert value == {i * 2}.0\n    assert area(1, {i}) == {i}.0\n\n")));
        File.WriteAllText(Path.Combine(root, "tests", "test_broken.py"), "def test_x(:\n    assert 1 == 1\n");
        return root;
    }

    [Fact]
    public async Task MergedPartitionsAreByteIdenticalToOneProcessForOneThreeAndFourShards()
    {
        var forged = RepoForge.Generate(Path.Combine(_dir, "forge"), new ForgeConfig { Repos = 6, Commits = 12, FactsPerRepo = 6 });
        var inputs = Enumerable.Range(0, 6).Select(i => new RepoInput($"plain/s{i}", Snapshot($"s{i}", 4 + 2 * i), "test", Static: true, Evolution: false)).ToList();
        inputs.AddRange(forged.Select(f => new RepoInput("history/" + f.RepoId, f.Path, "forge")));
        inputs.Add(new RepoInput("broken/missing", Path.Combine(_dir, "does-not-exist"), "test"));
        var config = BenchConfig.Smoke;
        var rules = new MiningRules();

        var single = Path.Combine(_dir, "single");
        var expected = await BenchBuild.RunAsync(inputs, single, config, rules, "test", parallelism: 2);
        var d = await BenchData.LoadAsync(single);
        Assert.NotEmpty(d.EvolutionTasks);
        Assert.Contains(d.StaticRepos, r => r.Split == SplitNames.CrTest);

        foreach (int n in new[] { 1, 3, 4 })
        {
            var parts = new List<string>();
            for (int k = 1; k <= n; k++)
            {
                var part = Path.Combine(_dir, $"n{n}", $"part{k}");
                int mined = BenchBuild.RunShard(inputs, new Shard(k, n), part, config, rules, parallelism: 2);
                Assert.Equal(inputs.Count(i => Shard.Of(i.RepoId, n) == k), mined);
                parts.Add(part);
            }
            if (n > 1) Assert.True(parts.Count(p => Directory.Exists(Path.Combine(p, "evolution")) && Directory.EnumerateDirectories(Path.Combine(p, "evolution")).Any()) > 1);   // the histories really spread
            var merged = Path.Combine(_dir, $"n{n}", "merged");
            var summary = await BenchBuild.MergeAsync(parts, merged, "test");
            foreach (var f in DataFiles)
                Assert.True(File.ReadAllBytes(Path.Combine(single, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, f))), $"N={n}: {f} differs");
            Assert.Equal(expected.StaticTasks, summary.StaticTasks);
            Assert.Equal(expected.EvolutionCommits, summary.EvolutionCommits);
            Assert.Equal(expected.FailedRepos, summary.FailedRepos);
            Assert.Equal(File.ReadAllText(Path.Combine(single, "skips.json")).Length, File.ReadAllText(Path.Combine(merged, "skips.json")).Length);
        }
    }

    [Fact]
    public async Task MergeNamesAMissingShard()
    {
        var inputs = Enumerable.Range(0, 3).Select(i => new RepoInput($"plain/s{i}", Snapshot($"s{i}", 3), "test", Static: true, Evolution: false)).ToList();
        var part = Path.Combine(_dir, "p1");
        BenchBuild.RunShard(inputs, new Shard(1, 2), part, BenchConfig.Smoke, new MiningRules());
        var e = await Assert.ThrowsAsync<ArgumentException>(() => BenchBuild.MergeAsync([part], Path.Combine(_dir, "out"), "test"));
        Assert.Contains("shard 2/2", e.Message);
        await Assert.ThrowsAsync<FileNotFoundException>(() => BenchBuild.MergeAsync([Path.Combine(_dir, "nothing")], Path.Combine(_dir, "out"), "test"));
    }
}
