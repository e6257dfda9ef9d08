using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class MiningBenchmarkTests
{
    [Fact]
    public void SyntheticHistoryIsDeterministicAndTheBenchmarkCountsItsWork()
    {
        using var tmp = new TempDirectory();
        var a = SyntheticHistory.Generate(tmp.Sub("a"), commits: 60, seed: 3);
        var b = SyntheticHistory.Generate(tmp.Sub("b"), commits: 60, seed: 3);
        using (var sa = RepoSource.Open(a))
        using (var sb = RepoSource.Open(b))
        {
            Assert.Equal(60, sa.FirstParentHistory().Count);
            Assert.Equal(sa.Head.Sha, sb.Head.Sha);
            Assert.Contains(sa.FirstParentHistory().Skip(1), c => sa.Changes(c).Any(ch => ch.Kind == ChangeKind.Renamed));
        }
        var result = MiningBenchmark.Run(a);
        Assert.Equal(60, result.Commits);
        // Every commit after the first edits one module and appends to its test (unless the module was renamed away).
        Assert.InRange(result.TestFilesRead, 8 + 40, 8 + 59);
        Assert.True(result.DiffChars > 0);
        Assert.True(result.CommitsPerSecond > 0);
    }
}
