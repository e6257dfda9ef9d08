using System.Diagnostics;
using Code2Lora.Hub;

namespace Code2Lora.Tests.Hub;

/// <summary>`c2l hub download` as a user runs it: the environment variables huggingface_hub reads, plain progress lines when redirected,
/// the snapshot folder on the last line, exit code 2 with a one-line error.</summary>
public class HubCommandTests
{
    private static (int Code, string[] Lines) C2l(HubWorld w, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "c2l.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // The machine's own Hugging Face settings must not leak into the run.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("HF_", StringComparison.Ordinal) || k.StartsWith("HUGGING", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["HF_HOME"] = w.Dir.Sub("hf-home");
        start.Environment["HF_ENDPOINT"] = w.Hub.Endpoint;
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "c2l did not finish");
        return (process.ExitCode, (stdout + stderr.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task DownloadsIntoTheCacheNamedByTheEnvironmentAndFailsWithExitCodeTwo()
    {
        await using var w = new HubWorld();
        var cache = w.Dir.Sub("env-cache");

        var (code, lines) = C2l(w, new() { ["HF_HUB_CACHE"] = cache }, "hub", "download", "tiny-org/tiny-data", "--type", "dataset", "--include", "data/*", "README.md");

        Assert.True(code == 0, string.Join('\n', lines));
        var snapshot = Path.Combine(cache, "datasets--tiny-org--tiny-data", "snapshots", w.Dataset.Commit);
        Assert.Equal(snapshot, lines[^1]);
        Assert.Contains(lines, l => l.Contains("(100.0 %)") && l.Contains("3/3 files"));
        Assert.True(File.Exists(Path.Combine(snapshot, "data", "train-00000-of-00001.parquet")));
        Assert.False(File.Exists(Path.Combine(snapshot, "embeddings", "train.parquet")));

        var (missing, output) = C2l(w, new() { ["HF_HUB_CACHE"] = cache, ["HF_HUB_OFFLINE"] = "1" }, "hub", "download", "tiny-org/tiny-model");
        Assert.Equal(2, missing);
        var message = string.Join(' ', output);
        Assert.Contains("error:", message);
        Assert.Contains("HF_HUB_OFFLINE is set", message);
        Assert.DoesNotContain(w.Hub.Seen("hub"), r => r.Path.Contains("tiny-model"));
    }
}
