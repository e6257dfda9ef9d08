using Code2Lora.Config;
using Code2Lora.Tests.Notebooks;

namespace Code2Lora.Tests.Cli;

/// <summary>c2l-notebook with --out writes nowhere else: what the notebook writes under results/ lands beside the executed notebook,
/// in a copy of the committed results.</summary>
[Collection("Torch")]   // in-process runs swap the console and load models: never alongside the other torch and notebook tests
public sealed class NotebookOutTests
{
    [Fact]
    public async Task ResultsOfANotebookRunWithOutGoBesideItsOutput()
    {
        using var files = new NotebookFiles();
        var probe = $"probe-{Guid.NewGuid():N}.txt";
        var notebook = files.Write("writes-results.ipynb", NotebookFiles.Code(
            $"var results = System.Environment.GetEnvironmentVariable(\"{RepoPaths.ResultsVariable}\");\n" +
            $"System.IO.File.WriteAllText(System.IO.Path.Combine(results, \"{probe}\"), \"written by the notebook\");\nresults"));
        var outDir = Path.Combine(files.Dir, "run");
        Directory.CreateDirectory(outDir);

        var outcome = await CliRun.ProcessAsync("c2l-notebook.dll", ["run", notebook, "--out", Path.Combine(outDir, "executed.ipynb")]);

        Assert.True(outcome.ExitCode == 0, outcome.All);
        Assert.Null(Environment.GetEnvironmentVariable(RepoPaths.ResultsVariable));   // the redirect ends with the run (tests share the process)
        Assert.True(File.Exists(Path.Combine(outDir, "results", probe)), outcome.All);
        Assert.False(File.Exists(Path.Combine(RepoPaths.Root, "results", probe)));
        Assert.True(File.Exists(Path.Combine(outDir, "results", "static", "tiny", "summary.md")), "the committed results are copied for the notebook to read");
    }
}
