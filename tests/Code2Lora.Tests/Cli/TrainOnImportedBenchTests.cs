using Code2Lora.Bench.Released;
using Code2Lora.Config;
using Code2Lora.Tests.Bench.Released;

namespace Code2Lora.Tests.Cli;

/// <summary>`c2l train … --bench DIR` on an imported release: the weights go to a run folder named for that benchmark, never the
/// config's own, so a tiny or smoke run is not resumed on other data.</summary>
[Collection("Torch")]   // in-process runs swap the console and load models: never alongside the other torch and notebook tests
public sealed class TrainOnImportedBenchTests(ReleasedWorld world) : IClassFixture<ReleasedWorld>
{
    [Fact]
    public async Task TrainStaticOnAnImportedBenchmarkWritesItsOwnRunFolder()
    {
        var bench = world.NewBench();
        await ReleasedImport.RunAsync(ReleasedDataset.Find(world.Dataset("code2lora-static")), bench, "test");
        string RunDir() => Directory.GetDirectories(RepoPaths.Work, "static-smoke*@" + Path.GetFileName(bench)).SingleOrDefault() ?? "";
        try
        {
            var run = await CliRun.C2lAsync("train", "static", "--preset", "smoke", "--bench", bench,
                "--set", "max_tokens=48", "--set", "batch_size=2", "--set", "validation_examples=2", "--set", "static_training.checkpoint_every=0",
                "--set", "static_training.eval_every=0");
            Assert.True(run.ExitCode == 0, run.All);
            var runDir = RunDir();                                                        // smoke-<hash of the --set overrides>@<folder>
            Assert.True(Directory.Exists(runDir), $"no run folder static-smoke*@{Path.GetFileName(bench)} in {RepoPaths.Work}:\n{run.All}");
            Assert.Contains("trained: 4 steps", run.Stdout);                             // 8 imported training tasks in batches of 2
            Assert.True(File.Exists(Path.Combine(runDir, "code2lora-static", "head.safetensors")), $"no trained head under {runDir}: {string.Join(", ", Directory.GetFiles(runDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(runDir, f)))}\n{run.Stdout}");

            var missing = await CliRun.C2lAsync("train", "slora", "--preset", "smoke", "--bench", bench + "-missing");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains(Path.GetFileName(bench) + "-missing", Assert.Single(missing.ErrorLines));
        }
        finally
        {
            if (RunDir() is { Length: > 0 } made) Directory.Delete(made, recursive: true);
        }
    }
}
