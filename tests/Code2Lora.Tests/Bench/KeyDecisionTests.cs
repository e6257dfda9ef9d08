using System.Text;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Tests.Mining;

namespace Code2Lora.Tests.Bench;

/// <summary>
/// Which commits and assertions the evolution track keeps: the hashed, one-pass, parallel ledger against the plain
/// definition (<see cref="KeyCheck"/>: built prefixes, normalised strings), on a history of edge cases and on real histories.
/// </summary>
public class KeyDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string TestA = """
        import pytest

        def helper():
            return 1

        def test_one():
            x = helper()
            assert x == 1
            assert x != f(1, 2)

        def test_two():
            assert helper() == 1
        """;

    private static void Write(string dir, string path, string text) => TempDirectory.Write(dir, path, Encoding.UTF8.GetBytes(text));

    /// <summary>Each step and whether the plain rule keeps it (it brings a key its file did not hold).</summary>
    private static List<(string Sha, bool Kept)> EdgeCaseHistory(string dir)
    {
        var steps = new List<(string, bool)>();
        int n = 0;
        void Commit(string message, bool kept) => steps.Add((GitCli.Commit(dir, T0.AddHours(n++), message), kept));
        string a = TestA + "\n";
        GitCli.Run(dir, T0, "init", "-q");
        Write(dir, "pkg/core.py", "def f(a, b):\n    return a + b\n");
        Write(dir, "tests/test_a.py", a);
        Commit("add tests", true);
        Write(dir, "tests/test_a.py", a.Replace("    x = helper()", "\n    x  =  helper()   ").Replace("f(1, 2)", "f(1,\n        2)"));
        Commit("whitespace only", false);
        a = a.Replace("f(1, 2)", "f(1, 3)");
        Write(dir, "tests/test_a.py", a);
        Commit("change a target", true);
        a = a.Replace("    assert helper() == 1\n", "    pass\n").Replace("    assert x == 1\n", "    assert x == 1\n    assert helper() == 1\n");
        Write(dir, "tests/test_a.py", a);
        Commit("move an assertion to another function", true);
        Write(dir, "tests/test_b.py", a);
        Commit("the same content in a second file", true);
        GitCli.Run(dir, null, "mv", "tests/test_b.py", "tests/test_c.py");
        Commit("pure rename", false);
        GitCli.Run(dir, null, "mv", "tests/test_c.py", "tests/test_d.py");
        Write(dir, "tests/test_d.py", a + "\ndef test_three():\n    assert helper() + 1 == 2\n");
        Commit("rename with an edit", true);
        Write(dir, "tests/test_a.py", a + "\ndef test_broken(:\n    assert 1 == 1\n");
        Commit("syntax error", false);
        Write(dir, "tests/test_a.py", a);
        Commit("fixed back to the last good version", false);
        string d = File.ReadAllText(Path.Combine(dir, "tests/test_d.py"));
        File.Delete(Path.Combine(dir, "tests/test_d.py"));
        Commit("delete", false);
        Write(dir, "tests/test_d.py", d);
        Commit("re-add the same bytes", true);
        Write(dir, "tests/test_a.py", "\uFEFF" + a.Replace("\n", "\r\n"));
        Commit("CRLF and a byte-order mark", false);
        Write(dir, "pkg/core.py", "def f(a, b):\n    return b + a\n");
        Commit("production code only", false);
        return steps;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_ledger_keeps_what_the_plain_definition_keeps_on_edge_cases(int threads)
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("edge");
        var steps = EdgeCaseHistory(dir);

        var check = KeyCheck.Run(new RepoInput("edge", dir, "test"), new MiningRules(), threads);
        Assert.Equal(0, check.Mismatches);
        Assert.Equal(steps.Count, check.Commits);
        Assert.Equal(steps.Count(s => s.Kept), check.KeptCommits);

        using var source = RepoSource.Open(dir);
        var ledger = new AssertionLedger();
        var kept = ledger.Walk(source, source.FirstParentHistory(), new MiningRules(), threads).Select(w => w.Found.Count > 0).ToList();
        Assert.Equal(steps.Select(s => s.Kept), kept);
        Assert.True(ledger.CacheHits >= 3, $"pure rename, fix-back and re-add reuse earlier parses ({ledger.CacheHits} hits)");
    }

    [Fact]
    public void A_changed_target_is_modified_and_a_moved_assertion_is_added()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("edge");
        EdgeCaseHistory(dir);
        using var source = RepoSource.Open(dir);
        var found = new AssertionLedger().Walk(source, source.FirstParentHistory(), new MiningRules(), 2).Select(w => w.Found).ToList();

        // A new target under the same prefix is a changed assertion; the prefix of every later assertion changed with it.
        var retarget = Assert.Single(found[2], a => a.Modified);
        Assert.Equal("f(1, 3)", retarget.Site.Target);
        Assert.EndsWith("    x = helper()\n    assert x == 1\n    assert x != ", retarget.Prefix());
        Assert.Equal(["f(1, 3)", "1"], found[2].Select(a => a.Site.Target));
        Assert.All(found[3], a => Assert.False(a.Modified));
        Assert.Contains(found[3], a => a.Site.TestFunction == "test_one" && a.Site.Target == "1" && a.Prefix().EndsWith("    assert helper() == "));
        // The copy: every assertion of the second file is new, with its own prefixes.
        Assert.Equal(3, found[4].Count);
        Assert.All(found[4], a => Assert.Equal("tests/test_b.py", a.File));
    }

    /// <summary>
    /// Real histories: every bundle of data/histories (the shipped RepoPeftBench histories), each up to its first 150
    /// commits. A checkout without them checks the forge's generated histories instead, which have renames and deletions too.
    /// </summary>
    [Fact]
    public void The_ledger_keeps_what_the_plain_definition_keeps_on_real_histories()
    {
        using var tmp = new TempDirectory();
        var shipped = Path.Combine(RepoPaths.Data, "histories");
        var manifest = Path.Combine(shipped, "manifest.tsv");
        var histories = File.Exists(manifest) ? HistorySet.Resolve(manifest, tmp.Sub("cache"))
            : Directory.Exists(shipped) && Directory.EnumerateFiles(shipped, "*.bundle").Any() ? HistorySet.Resolve(shipped, tmp.Sub("cache"))
            : RepoForge.Generate(tmp.Sub("forge"), new ForgeConfig { Repos = 2, Commits = 30, FactsPerRepo = 8, ChangeRate = 0.5, Seed = 5 })
                .Select(f => new HistoryRepo(f.RepoId, f.Path, "forge")).ToList();
        Assert.NotEmpty(histories);
        foreach (var h in histories)
        {
            var check = KeyCheck.Run(new RepoInput(h.RepoId, h.Path, h.Provenance), new MiningRules(), threads: 2, maxCommits: 150);
            Assert.True(check.Mismatches == 0, $"{h.RepoId}: {check.FirstMismatch}");
            Assert.True(check.Commits > 0);
        }
    }
}
