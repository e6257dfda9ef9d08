using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

/// <summary>History walks, changes, snapshots and production diffs, checked against the git CLI.</summary>
public class RepoSourceTests
{
    [Fact]
    public void FirstParentHistoryIsOldestFirstAndSkipsMergedBranchCommits()
    {
        using var g = new GitFixture();
        var c0 = g.Write("a.py", "x = 1\n").Commit("c0");
        g.Git("checkout -q -b feature");
        var f1 = g.Write("b.py", "y = 2\n").Commit("f1");
        g.Git("checkout -q main");
        var c1 = g.Write("a.py", "x = 3\n").Commit("c1");
        g.Git("merge -q --no-ff feature -m merge");
        var merge = g.Git("rev-parse HEAD").Trim();

        using var src = RepoSource.Open(g.Root);
        var history = src.FirstParentHistory();
        Assert.Equal(new[] { c0, c1, merge }, history.Select(c => c.Sha));
        Assert.DoesNotContain(history, c => c.Sha == f1);
        Assert.Equal(new[] { 0, 1, 2 }, history.Select(c => c.Index));
        Assert.Equal(c1, history[2].FirstParentSha);
        // The merge's changes are against its first parent: the feature branch's file arrives with it.
        Assert.Equal(new[] { (ChangeKind.Added, "b.py") }, src.Changes(history[2]).Select(c => (c.Kind, c.Path)));
        Assert.Equal(merge, src.Head.Sha);
        Assert.Equal(2, src.Head.Index);
    }

    [Fact]
    public void ChangesReportRenamesModificationsAndDeletions()
    {
        using var g = new GitFixture();
        var body = string.Join("\n", Enumerable.Range(0, 40).Select(i => $"def f{i}():\n    return {i}")) + "\n";
        g.Write("pkg/old_name.py", body).Write("pkg/gone.py", "z = 0\n").Write("pkg/kept.py", "k = 1\n").Commit("init");
        g.Git("mv pkg/old_name.py pkg/new_name.py");
        File.Delete(Path.Combine(g.Root, "pkg/gone.py"));
        g.Write("pkg/kept.py", "k = 2\n").Write("tests/test_new.py", "def test_x():\n    assert 1 == 1\n").Commit("change");

        using var src = RepoSource.Open(g.Root);
        var changes = src.Changes(src.FirstParentHistory()[1]).OrderBy(c => c.Path).ToList();
        Assert.Contains(new FileChange(ChangeKind.Renamed, "pkg/new_name.py", "pkg/old_name.py"), changes);
        Assert.Contains(new FileChange(ChangeKind.Deleted, "pkg/gone.py", null), changes);
        Assert.Contains(new FileChange(ChangeKind.Modified, "pkg/kept.py", null), changes);
        Assert.Contains(new FileChange(ChangeKind.Added, "tests/test_new.py", null), changes);
        Assert.Equal(4, changes.Count);
    }

    [Fact]
    public void SnapshotClassifiesHostileFilesAndReadsGoodOnesExactly()
    {
        using var g = new GitFixture();
        g.Write("good.py", "s = 'héllo ✓'\n")
         .Write("bom.py", [0xEF, 0xBB, 0xBF, (byte)'x', (byte)'\n'])
         .Write("binary.py", [(byte)'a', 0, (byte)'b'])
         .Write("latin1.py", [(byte)'s', (byte)'=', 0xE9, (byte)'\n'])
         .Write("huge.py", new byte[3 * 1024 * 1024 + 1].Select(_ => (byte)'#').ToArray())
         .Write("empty.py", [])
         .Write("node_modules/x.py", "n = 1\n")
         .Write("pkg/__pycache__/c.py", "c = 1\n")
         .Write("pkg/ünïcode_名.py", "u = 1\n");
        File.CreateSymbolicLink(Path.Combine(g.Root, "link.py"), "good.py");
        g.Commit("files");
        var head = g.Git("rev-parse HEAD").Trim();
        g.Git($"update-index --add --cacheinfo 160000,{head},vendored");
        g.Git("commit -q -m submodule");

        using var src = RepoSource.Open(g.Root);
        var snap = src.ReadSnapshot();
        var reasons = snap.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal(SkipReason.Binary, reasons["binary.py"]);
        Assert.Equal(SkipReason.InvalidUtf8, reasons["latin1.py"]);
        Assert.Equal(SkipReason.TooLarge, reasons["huge.py"]);
        Assert.Equal(SkipReason.Empty, reasons["empty.py"]);
        Assert.Equal(SkipReason.Symlink, reasons["link.py"]);
        Assert.Equal(SkipReason.Submodule, reasons["vendored"]);
        Assert.Equal(SkipReason.SkippedDirectory, reasons["node_modules/x.py"]);
        Assert.Equal(SkipReason.SkippedDirectory, reasons["pkg/__pycache__/c.py"]);
        var files = snap.Files.ToDictionary(f => f.Path, f => f.Text);
        Assert.Equal("s = 'héllo ✓'\n", files["good.py"]);
        Assert.Equal("x\n", files["bom.py"]);
        Assert.Equal("u = 1\n", files["pkg/ünïcode_名.py"]);
        Assert.Equal(11, snap.Files.Count + snap.Skipped.Count); // 9 files + symlink + submodule: nothing lost

        var onlyPy = src.ReadSnapshot(include: p => p.StartsWith("good"));
        Assert.Equal("good.py", Assert.Single(onlyPy.Files).Path);
        Assert.Empty(onlyPy.Skipped);
    }

    [Fact]
    public void PlainDirectoryIsAOneCommitSnapshotWithAStableId()
    {
        var dir = Directory.CreateTempSubdirectory("c2l-plain-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "pkg"));
            File.WriteAllText(Path.Combine(dir, "pkg", "m.py"), "a = 1\nb = 2");
            File.WriteAllBytes(Path.Combine(dir, "pkg", "bin.py"), [0, 0]);
            File.CreateSymbolicLink(Path.Combine(dir, "loop"), dir); // a link to its own parent must not be followed
            using var src = RepoSource.Open(dir, "me/plain");
            Assert.True(src.IsPlainDirectory);
            Assert.Equal("me/plain", src.RepoId);
            var head = Assert.Single(src.FirstParentHistory());
            Assert.Equal(40, head.Sha.Length);
            var snap = src.ReadSnapshot();
            Assert.Equal("pkg/m.py", Assert.Single(snap.Files).Path);
            Assert.Contains(snap.Skipped, s => s.Path == "loop" && s.Reason == SkipReason.Symlink);
            Assert.Contains(snap.Skipped, s => s.Path == "pkg/bin.py" && s.Reason == SkipReason.Binary);
            Assert.Equal("diff --git a/pkg/m.py b/pkg/m.py\nnew file mode 100644\n--- /dev/null\n+++ b/pkg/m.py\n@@ -0,0 +1,2 @@\n+a = 1\n+b = 2\n\\ No newline at end of file\n",
                src.ProductionDiff(null, head.Sha, new MiningRules()));
            using var again = RepoSource.Open(dir);
            Assert.Equal(head.Sha, again.Head.Sha);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ProductionDiffEqualsGitDiffOverProductionFiles()
    {
        using var g = new GitFixture();
        var a = g.Write("pkg/core.py", string.Join("\n", Enumerable.Range(0, 30).Select(i => $"v{i} = {i}")) + "\n")
                 .Write("README.md", "# Title\n").Write("tests/test_core.py", "def test():\n    assert 1\n").Write("pkg/data.json", "{}\n").Commit("a");
        g.Write("pkg/core.py", string.Join("\n", Enumerable.Range(0, 30).Select(i => i == 15 ? "v15 = 'changed'" : $"v{i} = {i}")) + "\n")
         .Write("README.md", "# Title\n\nMore.\n").Write("tests/test_core.py", "def test():\n    assert 2\n").Write("pkg/data.json", "[]\n")
         .Write("docs/guide.rst", "Guide\n=====\n").Write("node_modules/m.py", "x = 1\n");
        var b = g.Commit("b");

        using var src = RepoSource.Open(g.Root);
        var ours = src.ProductionDiff(a, b, new MiningRules());
        var git = g.Git($"diff -U3 --no-renames --no-color {a} {b} -- README.md docs/guide.rst pkg/core.py");
        Assert.Equal(git, ours);
        Assert.DoesNotContain("test_core", ours);
        Assert.DoesNotContain("data.json", ours);
        Assert.DoesNotContain("node_modules", ours);
        Assert.Equal(g.Git($"diff -U3 --no-renames --no-color 4b825dc642cb6eb9a060e54bf8d69288fbee4904 {a} -- README.md pkg/core.py"),
                     src.ProductionDiff(null, a, new MiningRules()));
        Assert.Equal("", src.ProductionDiff(b, b, new MiningRules()));
    }

    [Fact]
    public void CutoffDropsLaterCommits()
    {
        using var g = new GitFixture();
        g.Write("a.py", "1\n").Commit("old", new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        g.Write("a.py", "2\n").Commit("new", new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero));
        using var src = RepoSource.Open(g.Root);
        Assert.Equal(2, src.FirstParentHistory().Count);
        Assert.Equal("old", Assert.Single(src.FirstParentHistory(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero))).Message);
    }

    [Fact]
    public void UnusableRepositoriesGiveClearErrors()
    {
        var missing = Path.Combine(Path.GetTempPath(), "c2l-definitely-missing-" + Guid.NewGuid());
        Assert.Contains("does not exist", Assert.Throws<MiningException>(() => RepoSource.Open(missing)).Message);
        using var g = new GitFixture();
        var e = Assert.Throws<MiningException>(() => RepoSource.Open(g.Root));
        Assert.Contains("has no commits", e.Message);
        Assert.Contains(g.Root, e.Message);
    }
}
