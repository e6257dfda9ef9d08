using Code2Lora.Bench;

namespace Code2Lora.Tests.Bench;

/// <summary>Expected-value tests for the paper's per-repository caps, splits and smart cap (paper-notes §3.3–3.4).</summary>
public class SelectionAndSplitTests
{
    private static QnaRow Task(string file, string fn, string target, int line, string difficulty = "variable") =>
        new() { RepoId = "r", TestFile = file, TestFunction = fn, Target = target, LineNo = line, Difficulty = difficulty };

    [Fact]
    public void PerFunctionAndPerFileCapsPreferShortTargets()
    {
        var tasks = new List<QnaRow>();
        for (int i = 0; i < 8; i++) tasks.Add(Task("tests/test_a.py", "test_one", new string('x', 10 - i), i + 1));
        var picked = TaskSelector.Select(tasks, BenchConfig.Paper);
        Assert.Equal(5, picked.Count);
        Assert.All(picked, t => Assert.True(t.Target.Length <= 7)); // the five shortest of lengths 3..10
        Assert.Equal(picked.OrderBy(t => t.LineNo).Select(t => t.LineNo), picked.Select(t => t.LineNo)); // file order kept

        var many = Enumerable.Range(0, 30).Select(i => Task("tests/test_b.py", $"test_{i}", $"v{i}", i + 1)).ToList();
        Assert.Equal(20, TaskSelector.Select(many, BenchConfig.Paper).Count);
    }

    [Fact]
    public void DedupesOnFileAndTargetOnly()
    {
        var tasks = new[]
        {
            Task("tests/test_a.py", "test_1", "42", 1), Task("tests/test_a.py", "test_2", "42", 5),
            Task("tests/test_b.py", "test_1", "42", 1),
        };
        var picked = TaskSelector.Select(tasks, BenchConfig.Paper);
        Assert.Equal(2, picked.Count);
        Assert.Equal(new[] { "tests/test_a.py", "tests/test_b.py" }, picked.Select(t => t.TestFile));
    }

    [Fact]
    public void RepoCapFillsDifficultyClassesByLargestRemainder()
    {
        // 3 classes of sizes 5, 3, 2 filled into 7 slots: quotas 3.5, 2.1, 1.4 → floors 3, 2, 1, the one left goes to 3.5.
        var items = new List<QnaRow>();
        int line = 0;
        foreach (var (cls, n) in new[] { ("a_class", 5), ("b_class", 3), ("c_class", 2) })
            for (int i = 0; i < n; i++) items.Add(Task($"f{line}.py", "t", $"{cls}{i}", ++line, cls));
        var filled = TaskSelector.FillByDifficulty(items, 7);
        Assert.Equal(7, filled.Count);
        Assert.Equal(4, filled.Count(t => t.Difficulty == "a_class"));
        Assert.Equal(2, filled.Count(t => t.Difficulty == "b_class"));
        Assert.Equal(1, filled.Count(t => t.Difficulty == "c_class"));
    }

    [Fact]
    public void PaperSizedWorldSplits409_51_52()
    {
        var repos = Enumerable.Range(0, 512).ToDictionary(i => $"repo{i:D3}", i => 30 + i % 97);
        var split = Splitter.CrossRepo(repos, BenchConfig.Paper);
        Assert.Equal(409, split.Values.Count(s => s == SplitNames.Train));
        Assert.Equal(51, split.Values.Count(s => s == SplitNames.CrVal));
        Assert.Equal(52, split.Values.Count(s => s == SplitNames.CrTest));
        Assert.Equal(split, Splitter.CrossRepo(repos, BenchConfig.Paper)); // seeded: identical on re-run
        Assert.NotEqual(split, Splitter.CrossRepo(repos, BenchConfig.Paper with { Seed = 1 }));
    }

    [Fact]
    public void TinyWorldStillHoldsOutRepositoriesInEveryTercile()
    {
        var repos = Enumerable.Range(0, 12).ToDictionary(i => $"r{i}", i => 10 + i);
        var split = Splitter.CrossRepo(repos, BenchConfig.Tiny);
        Assert.Equal(9, split.Values.Count(s => s == SplitNames.Train));
        Assert.Equal(1, split.Values.Count(s => s == SplitNames.CrVal));
        Assert.Equal(2, split.Values.Count(s => s == SplitNames.CrTest));
        Assert.Empty(Splitter.CrossRepo(new Dictionary<string, int>(), BenchConfig.Tiny));
        Assert.All(Splitter.CrossRepo(new Dictionary<string, int> { ["a"] = 5, ["b"] = 6 }, BenchConfig.Tiny).Values,
            s => Assert.Equal(SplitNames.Train, s));
    }

    [Fact]
    public void InRepoSplitsAreSeededAndChronological()
    {
        var s = Splitter.InRepoRandom(100, "owner/repo", BenchConfig.Paper);
        Assert.Equal(80, s.Count(x => x == SplitNames.Train));
        Assert.Equal(10, s.Count(x => x == SplitNames.IrVal));
        Assert.Equal(10, s.Count(x => x == SplitNames.IrTest));
        Assert.Equal(s, Splitter.InRepoRandom(100, "owner/repo", BenchConfig.Paper));
        Assert.NotEqual(s, Splitter.InRepoRandom(100, "owner/other", BenchConfig.Paper));

        var c = Splitter.InRepoChronological(20, BenchConfig.Paper);
        Assert.Equal(Enumerable.Repeat("train", 16).Concat(new[] { "val", "val", "test", "test" }), c);
        Assert.All(Splitter.InRepoChronological(2, BenchConfig.Paper), x => Assert.Equal("train", x));
    }

    [Theory]
    [InlineData("abc", true)]        // under 4 characters
    [InlineData("f(x))", true)]      // 6 or fewer, ends in ')'
    [InlineData(", 1)", true)]
    [InlineData("\"abcd\"", false)]
    [InlineData("foo(1))", false)]   // 7 characters
    [InlineData("1234", false)]
    public void SmartCapTrivialTargets(string target, bool trivial) =>
        Assert.Equal(trivial, SmartCap.IsTrivial(target, BenchConfig.Paper));

    [Fact]
    public void SmartCapRoundRobinsOverTestsWithinACommit()
    {
        var rows = new List<QnaRow>();
        for (int i = 0; i < 10; i++) rows.Add(Task("tests/test_a.py", "test_big", $"value_{i}", i));
        rows.Add(Task("tests/test_b.py", "test_x", "other_1", 1));
        rows.Add(Task("tests/test_b.py", "test_y", "other_2", 2));
        rows.Add(Task("tests/test_c.py", "test_z", "abc", 1)); // trivial
        var picked = SmartCap.Apply(rows, BenchConfig.Paper);
        Assert.Equal(6, picked.Count); // 4 from test_a (file cap) + 2 from test_b
        Assert.Equal(4, picked.Count(r => r.TestFile == "tests/test_a.py"));
        Assert.DoesNotContain(picked, r => r.Target == "abc");
        Assert.Equal("value_0", picked[0].Target);
        Assert.Equal("other_1", picked[1].Target); // round-robin: the other groups get a turn before test_a's second task
    }
}
