using System.Text;
using Code2Lora.Bench;
using Code2Lora.Mining;
using Code2Lora.Tests.Mining;
using static Code2Lora.Tests.Mining.HistoryStream;

namespace Code2Lora.Tests.Bench;

/// <summary>
/// Odd histories through the evolution-track builder (first-parent walk, ledger, diffs): each yields exactly the tasks it
/// should, every test-file version it cannot read is in the skip report with its reason, and nothing throws.
/// </summary>
public class HostileHistoriesTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BenchConfig Config = BenchConfig.Tiny;

    /// <summary>A test module whose assertions compare <c>f(i)</c> with the given values (one test function each).</summary>
    private static string Tests(params int[] values) =>
        "from pkg import f\n\n" + string.Concat(values.Select((v, i) => $"def test_{i}():\n    assert f({i}) == {v}\n\n"));

    private static (EvolutionRepoResult Result, SkipReport Skips) Mine(string dir, string repoId = "acme/odd", BenchConfig? config = null)
    {
        var skips = new SkipReport();
        var result = EvolutionTrackBuilder.BuildRepo(new RepoInput(repoId, dir, "test"), config ?? Config, new MiningRules(), skips);
        return (result, skips);
    }

    private static string Import(TempDirectory tmp, HistoryStream history)
    {
        var dir = tmp.Sub("repo");
        history.ImportInto(dir);
        return dir;
    }

    [Fact]
    public void Merges_and_an_octopus_merge_count_once_on_the_first_parent_line()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        var root = h.Commit("main", T0, "root", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_main.py", Tests(0))]);
        var sides = Enumerable.Range(1, 3).Select(b =>
            h.Commit($"side{b}", T0.AddHours(b), $"side {b}", [new Put($"tests/test_side{b}.py", Tests(b, b + 10))], from: root)).ToArray();
        var plain = h.Commit("main", T0.AddHours(4), "merge side1", [new Put("tests/test_side1.py", Tests(1, 11))], from: root, merges: [sides[0]]);
        var octopus = h.Commit("main", T0.AddHours(5), "octopus", [
            new Put("tests/test_side1.py", Tests(1, 11)), new Put("tests/test_side2.py", Tests(2, 12)), new Put("tests/test_side3.py", Tests(3, 13))],
            from: plain, merges: [sides[1], sides[2]]);
        var dir = Import(tmp, h);

        var (result, skips) = Mine(dir);

        Assert.Equal(3, result.CommitsWalked); // root, merge, octopus: side-branch commits are not on the first-parent line
        Assert.Equal([h.Sha(root), h.Sha(plain), h.Sha(octopus)], result.Commits.Select(c => c.CommitSha));
        Assert.DoesNotContain(result.Tasks, t => sides.Select(s => h.Sha(s)).Contains(t.CommitSha));
        // The merge brings side1's two assertions; the octopus brings side2's and side3's, not side1's again.
        Assert.Equal(["tests/test_side1.py", "tests/test_side1.py"], result.Tasks.Where(t => t.CommitIndex == 1).Select(t => t.TestFile));
        Assert.Equal(["tests/test_side2.py", "tests/test_side2.py", "tests/test_side3.py", "tests/test_side3.py"],
            result.Tasks.Where(t => t.CommitIndex == 2).Select(t => t.TestFile).Order(StringComparer.Ordinal));
        Assert.Equal(7, result.Tasks.Count);
        Assert.Empty(skips.Entries);
    }

    [Fact]
    public void An_empty_first_commit_is_walked_and_the_first_diff_starts_from_the_empty_tree()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        h.Commit("main", T0, "initial empty commit", []);
        h.Commit("main", T0.AddHours(1), "code and tests", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_a.py", Tests(0, 1))]);
        var dir = Import(tmp, h);

        var (result, skips) = Mine(dir);

        Assert.Equal(2, result.CommitsWalked);
        var kept = Assert.Single(result.Commits);
        Assert.Equal(0, kept.CommitIndex);
        Assert.Equal(2, kept.NewAssertions);
        Assert.Contains("+++ b/pkg/__init__.py", kept.ProductionCodeDiff);
        Assert.Contains("--- /dev/null", kept.ProductionCodeDiff);
        Assert.Empty(skips.Entries);
    }

    [Fact]
    public void A_rename_with_an_edit_carries_the_keys_so_only_the_edited_assertion_is_new()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        var values = Enumerable.Range(0, 12).ToArray();
        h.Commit("main", T0, "tests", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_old.py", Tests(values))]);
        var edited = values.ToArray();
        edited[^1] = 99;
        h.Commit("main", T0.AddHours(1), "rename and edit", [new Rename("tests/test_old.py", "tests/test_new.py"), new Put("tests/test_new.py", Tests(edited))]);
        var dir = Import(tmp, h);

        using (var source = RepoSource.Open(dir))
            Assert.Equal([new FileChange(ChangeKind.Renamed, "tests/test_new.py", "tests/test_old.py")], source.Changes(source.Head));
        var (result, skips) = Mine(dir);

        Assert.Equal([12, 1], result.Commits.Select(c => c.NewAssertions));
        var moved = result.Commits[1];
        Assert.Equal((1, 0), (moved.ModifiedAssertions, moved.AddedAssertions)); // same prefix, new target
        var task = Assert.Single(result.Tasks, t => t.CommitIndex == 1);
        Assert.Equal(("tests/test_new.py", "99"), (task.TestFile, task.Target));
        Assert.Empty(skips.Entries);
    }

    [Fact]
    public void A_test_file_turned_into_a_symlink_then_a_submodule_is_reported_each_time_and_its_keys_survive()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        h.Commit("main", T0, "tests", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_a.py", Tests(0, 1))]);
        h.Commit("main", T0.AddHours(1), "now a symlink", [new Put("tests/test_a.py", "../pkg/__init__.py", "120000")]);
        h.Commit("main", T0.AddHours(2), "now a submodule", [new GitLink("tests/test_a.py", new string('1', 40))]);
        h.Commit("main", T0.AddHours(3), "a file again, one assertion changed", [new Put("tests/test_a.py", Tests(0, 5))]);
        var dir = Import(tmp, h);

        var (result, skips) = Mine(dir);

        Assert.Equal(4, result.CommitsWalked);
        Assert.Equal([0, 3], result.Commits.Select(c => Array.IndexOf(History(dir), c.CommitSha)));
        // The keys of the last readable version carry over the unreadable ones: only the changed assertion is new.
        Assert.Equal([2, 1], result.Commits.Select(c => c.NewAssertions));
        Assert.Equal([(SkipReason.Symlink, "tests/test_a.py"), (SkipReason.Submodule, "tests/test_a.py")],
            skips.Entries.Select(e => (e.Reason, e.Path!)));
        Assert.Contains(new string('1', 40), skips.Entries[1].Detail);
    }

    private static string[] History(string dir)
    {
        using var source = RepoSource.Open(dir);
        return source.FirstParentHistory().Select(c => c.Sha).ToArray();
    }

    [Fact]
    public void A_test_file_with_an_invalid_utf8_path_is_reported_by_name_and_the_others_are_mined()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        byte[] badPath = [.. "tests/test_caf"u8, 0xE9, .. ".py"u8]; // Latin-1 é
        h.Commit("main", T0, "tests", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_ok.py", Tests(0)),
            new Put(badPath, Encoding.UTF8.GetBytes(Tests(1, 2)))]);
        h.Commit("main", T0.AddHours(1), "edit both", [new Put("tests/test_ok.py", Tests(0, 7)), new Put(badPath, Encoding.UTF8.GetBytes(Tests(1, 3)))]);
        var dir = Import(tmp, h);

        var (result, skips) = Mine(dir);

        Assert.Equal([1, 1], result.Commits.Select(c => c.NewAssertions));
        Assert.All(result.Tasks, t => Assert.Equal("tests/test_ok.py", t.TestFile));
        Assert.Equal(2, skips.Entries.Count);
        Assert.All(skips.Entries, e => Assert.Equal(SkipReason.InvalidPathEncoding, e.Reason));
        Assert.All(skips.Entries, e => Assert.StartsWith("tests/test_caf", e.Path));
    }

    [Fact]
    public void Ten_thousand_linear_commits_are_walked_in_order_and_the_test_edits_are_all_found()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        const int commits = 10_000;
        var asserted = new List<int>();
        for (var i = 0; i < commits; i++)
        {
            var ops = new List<Op> { new Put("pkg/__init__.py", $"def f(x):\n    return x + {i}\n") };
            if (i % 1000 == 0) { asserted.Add(i); ops.Add(new Put("tests/test_a.py", Tests([.. asserted]))); }
            h.Commit("main", T0.AddMinutes(i), $"commit {i}", ops);
        }
        var dir = Import(tmp, h);

        var (result, skips) = Mine(dir);

        Assert.Equal(commits, result.CommitsWalked);
        Assert.Equal(10, result.Commits.Count);
        Assert.All(result.Commits, c => Assert.Equal(1, c.NewAssertions));
        Assert.Equal(asserted.Select(i => T0.AddMinutes(i).UtcDateTime), result.Commits.Select(c => c.CommitTimestamp));
        Assert.Equal(["0", "1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000"], result.Tasks.Select(t => t.Target));
        // Between two kept commits, the production diff spans 1,000 commits of edits to one line: one hunk.
        Assert.Contains("-    return x + 0\n+    return x + 1000", result.Commits[1].ProductionCodeDiff);
        Assert.Empty(skips.Entries);
    }

    [Fact]
    public void A_force_pushed_history_is_mined_as_the_new_branch_and_the_cache_recloned()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        h.Commit("main", T0, "root", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_a.py", Tests(0))]);
        h.Commit("main", T0.AddHours(1), "old 1", [new Put("tests/test_a.py", Tests(0, 1))]);
        h.Commit("main", T0.AddHours(2), "old 2", [new Put("tests/test_a.py", Tests(0, 1, 2))]);
        var dir = Import(tmp, h);
        var oldShas = History(dir);
        var bundles = tmp.Sub("bundles");
        var (manifest, cache) = (Path.Combine(tmp.Path, "manifest.tsv"), Path.Combine(tmp.Path, "cache"));
        WriteManifest(dir, bundles, manifest);
        Assert.True(HistoryBundles.Prepare(Assert.Single(HistoryManifest.Read(manifest)), bundles, cache).ClonedNow);

        // The rewrite: main goes back to the root and grows two other commits (a force-push upstream); the old ones stay
        // in the object store, unreachable, as after a fetch.
        var rewrite = new HistoryStream();
        rewrite.Reset("main", oldShas[0]);
        rewrite.Commit("main", T0.AddHours(3), "new 1", [new Put("tests/test_a.py", Tests(0, 40))]);
        rewrite.Commit("main", T0.AddHours(4), "new 2", [new Put("tests/test_a.py", Tests(0, 40, 41))]);
        rewrite.ImportInto(dir, init: false);
        var newShas = History(dir);
        Assert.Equal(oldShas[0], newShas[0]);
        Assert.Equal(3, newShas.Length);
        Assert.Empty(newShas[1..].Intersect(oldShas));
        Assert.Equal(["0", "40", "41"], Mine(dir).Result.Tasks.Select(t => t.Target));

        WriteManifest(dir, bundles, manifest);
        var clone = HistoryBundles.Prepare(Assert.Single(HistoryManifest.Read(manifest)), bundles, cache);
        Assert.True(clone.ClonedNow);
        var (result, skips) = Mine(clone.Path);

        Assert.Equal(newShas, result.Commits.Select(c => c.CommitSha));
        Assert.Equal(["0", "40", "41"], result.Tasks.Select(t => t.Target));
        Assert.Empty(skips.Entries);
    }

    private static void WriteManifest(string repo, string bundles, string manifest)
    {
        var bundle = Path.Combine(bundles, "acme__odd.bundle");
        GitCli.Run(repo, null, "bundle", "create", "-q", bundle, "HEAD", "refs/heads/main");
        var head = Sha(repo, "HEAD");
        File.WriteAllText(manifest, string.Join('\t', HistoryManifest.Columns) + "\n" + string.Join('\t', "acme/odd", "https://github.com/acme/odd",
            "LICENSE", "MIT", "main", head, "2024-01-01T00:00:00+00:00", "2026-12-03", "3", "acme__odd.bundle",
            new FileInfo(bundle).Length.ToString(), HistoryBundles.Sha256(bundle)) + "\n");
    }

    [Fact]
    public void The_cutoff_and_commit_timestamp_both_use_the_committer_date()
    {
        using var tmp = new TempDirectory();
        var h = new HistoryStream();
        var cutoff = T0.AddDays(10);
        // Authored long before the cutoff but committed (rebased) after it: the committer date decides.
        h.Commit("main", T0, "before", [new Put("pkg/__init__.py", "def f(x):\n    return x\n"), new Put("tests/test_a.py", Tests(0))], authored: T0.AddDays(-30));
        h.Commit("main", cutoff.AddDays(1), "rebased after the cutoff", [new Put("tests/test_a.py", Tests(0, 1))], authored: T0.AddDays(-20));
        var dir = Import(tmp, h);

        var (all, _) = Mine(dir);
        var (cut, _) = Mine(dir, config: Config with { HistoryCutoff = cutoff });

        Assert.Equal([T0.UtcDateTime, cutoff.AddDays(1).UtcDateTime], all.Commits.Select(c => c.CommitTimestamp));
        Assert.Equal([T0.UtcDateTime], cut.Commits.Select(c => c.CommitTimestamp));
        Assert.Equal(1, cut.CommitsWalked);
    }
}
