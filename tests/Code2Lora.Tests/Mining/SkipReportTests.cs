using System.Text.Json;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class SkipReportTests
{
    [Fact]
    public void CountsListsAndRendersFromManyThreads()
    {
        var report = new SkipReport();
        Parallel.For(0, 400, i => report.Add($"repo{i % 4}", new SkippedFile($"f{i}.py", i % 2 == 0 ? SkipReason.Binary : SkipReason.InvalidUtf8, "d|x")));
        report.Add("owner/broken", SkipReason.RepoFailed, "clone failed");

        Assert.Equal(200, report.Counts[SkipReason.Binary]);
        Assert.Equal(200, report.Counts[SkipReason.InvalidUtf8]);
        Assert.Equal(1, report.Counts[SkipReason.RepoFailed]);
        Assert.Equal(100, report.ForRepo("repo1").Count);
        Assert.Equal(["owner/broken", "repo0", "repo1", "repo2", "repo3"], report.Repos);

        var md = report.ToMarkdown();
        Assert.Contains("| Binary | 200 |", md);
        Assert.Contains("| owner/broken | RepoFailed | clone failed |", md);
        Assert.Contains("| repo0 | 100 | Binary 100 |", md);

        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(200, json.RootElement.GetProperty("counts").GetProperty("Binary").GetInt32());
        Assert.Equal(401, json.RootElement.GetProperty("entries").GetArrayLength());

        using var tmp = new TempDirectory();
        var path = Path.Combine(tmp.Path, "out", "skips.json");
        report.Write(path);
        Assert.True(File.Exists(path));
        Assert.Equal(md, File.ReadAllText(Path.ChangeExtension(path, ".md")));
    }
}
