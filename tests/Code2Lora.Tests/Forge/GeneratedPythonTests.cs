using Code2Lora.Forge;
using LibGit2Sharp;

namespace Code2Lora.Tests.Forge;

/// <summary>The generated Python is valid, its tests pass at every sampled commit, and older code fails newer tests.</summary>
public class GeneratedPythonTests(ForgeFixture forge) : IClassFixture<ForgeFixture>
{
    private const string ParseAll = """
        import ast, sys
        bad = []
        for path in sys.argv[1:]:
            try:
                ast.parse(open(path, encoding="utf-8").read(), filename=path)
            except SyntaxError as e:
                bad.append(f"{path}: {e}")
        print(f"parsed {len(sys.argv) - 1} bad {len(bad)}")
        print("\n".join(bad))
        sys.exit(1 if bad else 0)
        """;

    [Fact]
    public void EveryPythonFileParsesAtHeadAndEarlierCommits()
    {
        using var dir = new TempDir();
        var paths = new List<string>();
        foreach (var forged in forge.SmallRepos.Concat(forge.BusyRepos))
        {
            using var repo = new Repository(forged.Path);
            var chain = ForgedRepoFiles.FirstParentChain(repo);
            foreach (var index in new[] { 0, chain.Count / 3, 2 * chain.Count / 3, chain.Count - 1 }.Distinct())
            {
                var target = dir.Sub($"{forged.RepoId}@{index}");
                var files = ForgedRepoFiles.At(repo, chain[index]);
                ForgedRepoFiles.Materialize(files, target);
                paths.AddRange(files.Keys.Where(k => k.EndsWith(".py")).Select(k => Path.Combine(target, k)));
            }
        }
        var (code, output) = ForgedRepoFiles.RunPython(ParseAll, paths);
        Assert.True(code == 0, output);
        Assert.Contains($"parsed {paths.Count} bad 0", output);
    }

    [Fact]
    public void TestsPassAtHeadAndAtAMiddleCommit()
    {
        using var dir = new TempDir();
        foreach (var forged in forge.SmallRepos.Concat(forge.BusyRepos))
        {
            using var repo = new Repository(forged.Path);
            var chain = ForgedRepoFiles.FirstParentChain(repo);
            foreach (var index in new[] { chain.Count / 2, chain.Count - 1 })
            {
                var target = dir.Sub($"{forged.RepoId}@{index}");
                ForgedRepoFiles.Materialize(ForgedRepoFiles.At(repo, chain[index]), target);
                var (code, output) = PythonTestRun.Run(target);
                Assert.True(code == 0, $"{forged.RepoId} commit {index}:\n{output}");
            }
        }
    }

    [Fact]
    public void DefaultSizedHistoriesPassTheirTestsAtHead()
    {
        // Long histories pile many facts into one test file (name clashes show up only there).
        using var dir = new TempDir();
        foreach (var forged in RepoForge.Generate(dir.Sub("repos"), new ForgeConfig { Repos = 3 }))
        {
            var (code, output) = PythonTestRun.Run(forged.Path);
            Assert.True(code == 0, $"{forged.RepoId}:\n{output}");
        }
    }

    [Fact]
    public void CodeFromBeforeAChangeFailsTheTestsOfTheChange()
    {
        using var dir = new TempDir();
        int checkedChanges = 0;
        foreach (var forged in forge.BusyRepos)
        {
            var manifest = ForgeGenome.Load(forged.Path);
            using var repo = new Repository(forged.Path);
            var chain = ForgedRepoFiles.FirstParentChain(repo);
            // The first few changes of distinct kinds keep the number of Python runs small.
            var changes = manifest.Commits.Where(c => c.Kind == "change").DistinctBy(c => c.Change).Take(5);
            foreach (var change in changes)
            {
                var before = ForgedRepoFiles.At(repo, chain[change.Index - 1]);
                var after = ForgedRepoFiles.At(repo, chain[change.Index]);
                var mixed = before.Where(f => !f.Key.StartsWith("tests/")).Concat(after.Where(f => f.Key.StartsWith("tests/")))
                    .ToDictionary(f => f.Key, f => f.Value);
                var target = dir.Sub($"{forged.RepoId}@{change.Index}-stale");
                ForgedRepoFiles.Materialize(mixed, target);
                var (code, output) = PythonTestRun.Run(target);
                Assert.True(code != 0, $"{forged.RepoId} commit {change.Index} ({change.Message}): stale code passed the new tests\n{output}");

                var fact = manifest.Facts.Single(f => f.Id == change.FactId);
                Assert.NotEqual(fact.At(change.Index - 1), fact.At(change.Index));
                checkedChanges++;
            }
        }
        Assert.True(checkedChanges >= 4, $"only {checkedChanges} changes checked");
    }

    [Fact]
    public void TestFilesUseEveryAssertionFamilyTheBenchExtracts()
    {
        var text = string.Concat(forge.BusyRepos.Concat(forge.SmallRepos).SelectMany(r =>
        {
            using var repo = new Repository(r.Path);
            return ForgedRepoFiles.At(repo, repo.Head.Tip).Where(f => f.Key.StartsWith("tests/test_")).Select(f => f.Value).ToList();
        }));
        string[] needles =
        [
            "    assert ", " == ", " != ", " < ", " in ", " not in ", " is ", " is not ",
            "self.assertEqual(", "self.assertTrue(", "self.assertIsNone(", "self.assertIn(", "self.assertRaises(",
            "pytest.raises(", ", match=", "pytest.approx(", ", rel=", "    assert_", "def setUp(self):",
            "(unittest.TestCase):", "@pytest.fixture", "import pytest", "LARGE_VALUE = ",
        ];
        Assert.All(needles, n => Assert.True(text.Contains(n), $"no test file uses {n}"));
    }
}
