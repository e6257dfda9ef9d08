using System.Text;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class HistoryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static void Write(string dir, string path, string text) => TempDirectory.Write(dir, path, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void FirstParentHistoryIsOldestFirstAndSkipsTheMergedBranch()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        GitCli.Run(dir, T0, "init", "-q");
        Write(dir, "a.py", "x = 1\n");
        var c0 = GitCli.Commit(dir, T0, "root");
        GitCli.Run(dir, T0, "checkout", "-q", "-b", "feature");
        Write(dir, "feature.py", "y = 2\n");
        var side = GitCli.Commit(dir, T0.AddHours(1), "side work");
        GitCli.Run(dir, T0, "checkout", "-q", "main");
        Write(dir, "a.py", "x = 10\n");
        var c1 = GitCli.Commit(dir, T0.AddHours(2), "main work");
        GitCli.Run(dir, T0.AddHours(3), "merge", "-q", "--no-ff", "-m", "merge feature", "feature");
        var merge = GitCli.Run(dir, null, "rev-parse", "HEAD").Trim();

        using var source = RepoSource.Open(dir);
        var history = source.FirstParentHistory();

        Assert.Equal([c0, c1, merge], history.Select(c => c.Sha));
        Assert.DoesNotContain(side, history.Select(c => c.Sha));
        Assert.Equal([0, 1, 2], history.Select(c => c.Index));
        Assert.Equal([null, c0, c1], history.Select(c => c.FirstParentSha));
        Assert.Equal(merge, source.Head.Sha);
        Assert.Equal("repo", source.RepoId);
        Assert.False(source.IsPlainDirectory);
        Assert.Equal(T0.AddHours(2), history[1].Timestamp);
        Assert.StartsWith("main work", history[1].Message);
        // The merge's change set is its diff against the first parent: the branch's file arrives in it.
        Assert.Equal([new FileChange(ChangeKind.Added, "feature.py", null)], source.Changes(history[2]));
        Assert.Equal([new FileChange(ChangeKind.Added, "a.py", null)], source.Changes(history[0]));
    }

    [Fact]
    public void CutoffKeepsThePrefixAtOrBeforeTheDate()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        GitCli.Run(dir, T0, "init", "-q");
        var shas = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            Write(dir, "a.py", $"x = {i}\n");
            shas.Add(GitCli.Commit(dir, T0.AddDays(i * 10), $"c{i}"));
        }
        using var source = RepoSource.Open(dir);
        var cutoff = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero); // T0 + 0, 10, 20, 30 days (Mar 31) are before; 40 after
        Assert.Equal(shas.Take(4), source.FirstParentHistory(cutoff).Select(c => c.Sha));
        Assert.Equal(shas.Take(1), source.FirstParentHistory(T0).Select(c => c.Sha));
        Assert.Empty(source.FirstParentHistory(T0.AddSeconds(-1)));
        Assert.Equal(5, source.FirstParentHistory().Count);
    }

    [Fact]
    public void ChangesReportRenamesModificationsAndDeletions()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        GitCli.Run(dir, T0, "init", "-q");
        var body = string.Concat(Enumerable.Range(0, 30).Select(i => $"def f{i}():\n    return {i}\n"));
        Write(dir, "pkg/old_name.py", body);
        Write(dir, "pkg/keep.py", "A = 1\n");
        Write(dir, "pkg/gone.py", "B = 2\n");
        Write(dir, "tests/test_x.py", "def test_a():\n    assert 1 == 1\n");
        GitCli.Commit(dir, T0, "root");
        GitCli.Run(dir, T0, "mv", "pkg/old_name.py", "pkg/new_name.py");
        Write(dir, "pkg/new_name.py", body + "def extra():\n    return 99\n");
        Write(dir, "pkg/keep.py", "A = 2\n");
        File.Delete(Path.Combine(dir, "pkg/gone.py"));
        Write(dir, "tests/test_y.py", "def test_b():\n    assert 2 == 2\n");
        GitCli.Commit(dir, T0.AddHours(1), "rename, modify, delete, add");

        using var source = RepoSource.Open(dir);
        var changes = source.Changes(source.Head).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            new FileChange(ChangeKind.Deleted, "pkg/gone.py", null),
            new FileChange(ChangeKind.Modified, "pkg/keep.py", null),
            new FileChange(ChangeKind.Renamed, "pkg/new_name.py", "pkg/old_name.py"),
            new FileChange(ChangeKind.Added, "tests/test_y.py", null),
        ], changes);
        // Compare with git's own view of the same commit.
        var raw = GitCli.Run(dir, null, "diff-tree", "-r", "-M", "--name-status", "--no-commit-id", "HEAD~1", "HEAD");
        Assert.Contains("R", raw);
        Assert.Contains("pkg/old_name.py\tpkg/new_name.py", raw);
        Assert.Equal("A = 2\n", source.ReadText(source.Head.Sha, "pkg/keep.py", out _));
        Assert.Equal("A = 1\n", source.ReadText(source.FirstParentHistory()[0].Sha, "pkg/keep.py", out _));
        Assert.Null(source.ReadText(source.Head.Sha, "pkg/gone.py", out var missing));
        Assert.Equal(SkipReason.Missing, missing!.Reason);
    }

    [Fact]
    public void EmptyRepositoryFailsWithAMessageNamingThePath()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("empty-repo");
        GitCli.Run(dir, null, "init", "-q");
        var e = Assert.Throws<MiningException>(() => RepoSource.Open(dir));
        Assert.Contains(dir, e.Message);
        Assert.Contains("no commits", e.Message);
    }

    [Fact]
    public void MissingPathsAndFilesFailClearly()
    {
        using var tmp = new TempDirectory();
        var missing = Path.Combine(tmp.Path, "nope");
        Assert.Contains("does not exist", Assert.Throws<MiningException>(() => RepoSource.Open(missing)).Message);
        var file = Path.Combine(tmp.Path, "file.txt");
        File.WriteAllText(file, "x");
        Assert.Contains("is a file", Assert.Throws<MiningException>(() => RepoSource.Open(file)).Message);
    }

    [Fact]
    public void BareClonesAreReadLikeWorkTrees()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        GitCli.Run(dir, T0, "init", "-q");
        Write(dir, "a.py", "x = 1\n");
        var sha = GitCli.Commit(dir, T0, "root");
        GitCli.Run(tmp.Path, null, "clone", "-q", "--bare", dir, Path.Combine(tmp.Path, "owner-repo.git"));
        using var source = RepoSource.Open(Path.Combine(tmp.Path, "owner-repo.git"));
        Assert.Equal("owner-repo", source.RepoId);
        Assert.Equal(sha, source.Head.Sha);
        Assert.Equal([new SourceFile("a.py", "x = 1\n")], source.ReadSnapshot().Files);
    }
}
