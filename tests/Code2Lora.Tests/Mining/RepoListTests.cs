using System.Text;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class RepoListTests
{
    [Fact]
    public void ParsesUrlsOwnerNamesAndComments()
    {
        using var tmp = new TempDirectory();
        var file = Path.Combine(tmp.Path, "repos.txt");
        File.WriteAllText(file, """
            # benchmark repositories
            psf/black
            https://github.com/python-attrs/attrs.git
            https://github.com/joke2k/faker/   # trailing slash and comment
            git@github.com:redis/redis-py.git

            github.com/15r10nk/inline-snapshot
            https://gitlab.com/group/sub/project
            psf/black
            """);
        var entries = RepoList.Parse(file);
        Assert.Equal(
        [
            new RepoListEntry("https://github.com/psf/black", "psf/black"),
            new RepoListEntry("https://github.com/python-attrs/attrs.git", "python-attrs/attrs"),
            new RepoListEntry("https://github.com/joke2k/faker", "joke2k/faker"),
            new RepoListEntry("git@github.com:redis/redis-py.git", "redis/redis-py"),
            new RepoListEntry("https://github.com/15r10nk/inline-snapshot", "15r10nk/inline-snapshot"),
            new RepoListEntry("https://gitlab.com/group/sub/project", "sub/project"),
        ], entries);
    }

    [Theory]
    [InlineData("just-a-name")]
    [InlineData("owner/na me")]
    [InlineData("https://github.com/onlyowner")]
    [InlineData("owner/../etc")]
    public void RejectsMalformedLinesNamingTheLine(string line)
    {
        using var tmp = new TempDirectory();
        var file = Path.Combine(tmp.Path, "repos.txt");
        File.WriteAllText(file, "psf/black\n" + line + "\n");
        var e = Assert.Throws<MiningException>(() => RepoList.Parse(file));
        Assert.Contains(":2:", e.Message);
    }

    [Fact]
    public void ClonesFromALocalRepositoryAndUpdates()
    {
        using var tmp = new TempDirectory();
        var upstream = tmp.Sub("upstream");
        GitCli.Run(upstream, null, "init", "-q");
        TempDirectory.Write(upstream, "a.py", Encoding.UTF8.GetBytes("x = 1\n"));
        var first = GitCli.Commit(upstream, DateTimeOffset.UnixEpoch.AddYears(50), "one");
        var entry = new RepoListEntry(upstream, "owner/name");
        var cache = Path.Combine(tmp.Path, "cache");
        var messages = new List<string>();

        var path = RepoCloner.CloneOrUpdate(entry, cache, new SyncProgress(messages));
        Assert.Equal(Path.Combine(Path.GetFullPath(cache), "owner+name"), path);
        using (var source = RepoSource.Open(path, entry.RepoId))
        {
            Assert.Equal(first, source.Head.Sha);
            Assert.Equal("owner/name", source.RepoId);
        }
        Assert.NotEmpty(messages);

        TempDirectory.Write(upstream, "a.py", Encoding.UTF8.GetBytes("x = 2\n"));
        var second = GitCli.Commit(upstream, DateTimeOffset.UnixEpoch.AddYears(51), "two");
        Assert.Equal(path, RepoCloner.CloneOrUpdate(entry, cache));
        using (var source = RepoSource.Open(path))
            Assert.Equal(second, source.Head.Sha);
        Assert.Single(Directory.GetDirectories(cache)); // no partial clones left behind
    }

    [Fact]
    public void UnreachableRemoteGivesAClearError()
    {
        using var tmp = new TempDirectory();
        var entry = new RepoListEntry("https://127.0.0.1:1/owner/name.git", "owner/name");
        var e = Assert.Throws<MiningException>(() => RepoCloner.CloneOrUpdate(entry, Path.Combine(tmp.Path, "cache")));
        Assert.Contains("owner/name", e.Message);
        Assert.Contains("offline", e.Message);
        Assert.Empty(Directory.GetDirectories(Path.Combine(tmp.Path, "cache")));
    }

    private sealed class SyncProgress(List<string> sink) : IProgress<string>
    {
        public void Report(string value) { lock (sink) sink.Add(value); }
    }
}
