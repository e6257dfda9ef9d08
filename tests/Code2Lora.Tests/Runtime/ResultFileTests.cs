using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Evaluation;
using Code2Lora.Runtime;

namespace Code2Lora.Tests.Runtime;

/// <summary>A re-run whose numbers equal the committed ones leaves the committed files byte for byte as they were; what changes on
/// every run goes to untracked sidecars.</summary>
public sealed class ResultFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Provenance Run(string sha, DateTime when) => new()
    {
        Command = "c2l eval --preset tiny", GitSha = sha, CreatedUtc = when, Machine = "test machine", Version = "1.0.0.0",
    };

    private static string Summary(double em, Provenance p) =>
        JsonSerializer.Serialize(new { methods = new { pretrained = new { cr_em = em } }, command = p.Command, git_sha = p.GitSha, provenance = p }, Provenance.Json);

    private static string Markdown(double em, Provenance p) => $"| method | CR EM |\n|---|---|\n| pretrained | {em} |\n\n256 tasks. Command: `{p.Command}`, git {p.GitSha}.\n";

    [Fact]
    public void SameNumbersKeepTheCommittedFilesAndRecordTheRunInTheSidecar()
    {
        var json = Path.Combine(_dir, "summary.json");
        var md = Path.Combine(_dir, "summary.md");
        var first = Run("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new DateTime(2026, 11, 30, 20, 0, 0, DateTimeKind.Utc));
        Assert.True(ResultFile.WriteJson(json, Summary(2.34, first), first));
        Assert.True(ResultFile.WriteMarkdown(md, Markdown(2.34, first), first));
        var (committedJson, committedMd) = (File.ReadAllBytes(json), File.ReadAllBytes(md));

        var second = Run("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb+dirty", new DateTime(2026, 12, 3, 9, 0, 0, DateTimeKind.Utc)) with { Machine = "another CPU" };
        Assert.False(ResultFile.WriteJson(json, Summary(2.34, second), second));
        Assert.False(ResultFile.WriteMarkdown(md, Markdown(2.34, second), second));
        Assert.Equal(committedJson, File.ReadAllBytes(json));
        Assert.Equal(committedMd, File.ReadAllBytes(md));

        var sidecar = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "summary.run.json")))!;
        Assert.Equal(second.GitSha, sidecar["provenance"]!["git_sha"]!.GetValue<string>());
        Assert.StartsWith("kept", sidecar["files"]!["summary.json"]!.GetValue<string>());
        Assert.StartsWith("kept", sidecar["files"]!["summary.md"]!.GetValue<string>());

        // Other numbers: the file is rewritten, with the provenance of the run that produced them.
        Assert.True(ResultFile.WriteJson(json, Summary(3.12, second), second));
        Assert.Equal(second.GitSha, JsonNode.Parse(File.ReadAllText(json))!["git_sha"]!.GetValue<string>());
    }

    [Fact]
    public void WhatARunMeasuresOfItselfDoesNotRewriteAFileWhoseCountsAreTheSame()
    {
        var md = Path.Combine(_dir, "stats.md");
        var json = Path.Combine(_dir, "stats.json");
        string Table(int commits, double seconds) => $"## Mining\n\n| repo_id | commits | seconds | peak_rss_mib |\n|---|---:|---:|---:|\n| org/a | {commits} | {seconds} | 201.5 |\n\n| other | seconds |\n|---|---|\n| x | 1 |\n";
        string Stats(int commits, double seconds) => JsonSerializer.Serialize(new { mining = new[] { new { repo_id = "org/a", commits, seconds, peak_rss_mib = seconds * 100 } } });
        string[] measured = ["seconds", "peak_rss_mib"];
        var first = Run("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.True(ResultFile.WriteMarkdown(md, Table(607, 0.48), first, measured));
        Assert.True(ResultFile.WriteJson(json, Stats(607, 0.48), first, measured));
        var committed = File.ReadAllText(md);

        var second = Run("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.False(ResultFile.WriteMarkdown(md, Table(607, 0.69), second, measured));   // only the timing moved
        Assert.False(ResultFile.WriteJson(json, Stats(607, 0.69), second, measured));
        Assert.Equal(committed, File.ReadAllText(md));
        Assert.True(ResultFile.WriteMarkdown(md, Table(608, 0.69), second, measured));    // a count moved: rewritten, timings and all
        Assert.Contains("| 0.69 |", File.ReadAllText(md));
        Assert.True(ResultFile.WriteJson(json, Stats(608, 0.69), second, measured));
        Assert.False(ResultFile.WriteMarkdown(md, Table(608, 0.69), second));             // without measured columns nothing else changes
        Assert.Equal("| repo_id | commits |\n|---|---:|", ResultFile.WithoutColumns("| repo_id | commits | seconds |\n|---|---:|---:|", measured));
    }

    [Fact]
    public async Task PredictionsDecodedAgainToTheSameRowsKeepTheCommittedFingerprint()
    {
        var cache = new PredictionCache(_dir);
        var rows = new Dictionary<string, IReadOnlyList<PredictionRow>>
        {
            ["cr_test"] = [new PredictionRow { Method = "fft", Split = "cr_test", RepoId = "r", TaskIndex = 0, Target = " 1", Prediction = " 1", ExactMatch = true }],
        };
        await cache.SaveAsync("fft", "committed-weights", rows);
        var committed = Path.Combine(_dir, "fft", "fingerprint.txt");
        var parquet = File.ReadAllBytes(Path.Combine(_dir, "fft", "cr_test.parquet"));

        // Weights from another CPU (another fingerprint), same predictions: nothing committed changes; both fingerprints now hit.
        await cache.SaveAsync("fft", "this-machines-weights", rows);
        Assert.Equal("committed-weights", File.ReadAllText(committed).Trim());
        Assert.Equal(parquet, File.ReadAllBytes(Path.Combine(_dir, "fft", "cr_test.parquet")));
        Assert.NotNull(await cache.TryLoadAsync("fft", "this-machines-weights", ["cr_test"]));
        Assert.NotNull(await cache.TryLoadAsync("fft", "committed-weights", ["cr_test"]));
        Assert.Null(await cache.TryLoadAsync("fft", "other-weights", ["cr_test"]));

        // Different predictions replace the files and the committed fingerprint, and drop the local one.
        rows["cr_test"][0].Prediction = " 2";
        await cache.SaveAsync("fft", "changed-weights", rows);
        Assert.Equal("changed-weights", File.ReadAllText(committed).Trim());
        Assert.False(File.Exists(Path.Combine(_dir, "fft", "fingerprint.run.txt")));
    }

    [Fact]
    public async Task ReproduceTimingsGoToTheSidecarUnlessRecorded()
    {
        var path = Path.Combine(_dir, "timings.json");
        var run = new StageTimings(path, "c2l reproduce --preset tiny");
        await run.TimeAsync("stage", () => Task.CompletedTask);
        Assert.False(File.Exists(path));
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "timings.run.json")))!;
        Assert.Equal("stage", written["stages"]![0]!["stage"]!.GetValue<string>());
        Assert.NotNull(written["provenance"]!["machine"]);

        var recorded = new StageTimings(path, "c2l reproduce --preset tiny --record-timings", record: true);
        await recorded.TimeAsync("stage", () => Task.CompletedTask);
        Assert.True(File.Exists(path));
    }
}
