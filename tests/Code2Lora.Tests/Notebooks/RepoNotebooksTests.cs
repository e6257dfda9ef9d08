using System.Diagnostics;
using System.Text.Json.Nodes;
using Code2Lora.Notebooks;
using static Code2Lora.Tests.Notebooks.NotebookFiles;

namespace Code2Lora.Tests.Notebooks;

/// <summary>The notebooks under notebooks/: committed files are small, valid and show charts as PNG; every one runs clean on
/// the real kernel (smoke preset) through the built c2l-notebook, as CI runs them.</summary>
[Collection("Torch")]   // notebooks train and seed torch too: never alongside the other torch tests
public class RepoNotebooksTests
{
    /// <summary>The size a committed notebook may reach (issue: reviewable diffs, GitHub's viewer).</summary>
    public const long MaxNotebookBytes = 500 * 1024;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Code2Lora.sln"))) return dir.FullName;
        throw new InvalidOperationException("Code2Lora.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<string> RepoNotebooks() =>
        Directory.GetFiles(Path.Combine(RepoRoot(), "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<JsonObject> Outputs(string notebook) =>
        Cells(notebook).SelectMany(c => c!["outputs"]?.AsArray() ?? []).OfType<JsonObject>();

    [Fact]
    public void CommittedNotebooksAreSmallValidAndSaveChartsAsPng()
    {
        var notebooks = RepoNotebooks();
        Assert.True(notebooks.Count >= 9, "00 … 08 are expected");
        foreach (var notebook in notebooks)
        {
            var name = Path.GetFileName(notebook);
            Assert.True(new FileInfo(notebook).Length <= MaxNotebookBytes, $"{name} is {new FileInfo(notebook).Length / 1024} KB, over the {MaxNotebookBytes / 1024} KB limit");
            Assert.Null(NbformatValidator.Validate(notebook));
            foreach (var output in Outputs(notebook))
            {
                var data = output["data"] as JsonObject;
                var html = Text(data?["text/html"]);
                // Plotly.NET.Interactive's chart HTML draws through these calls; a table that merely names Plotly.NET does not.
                var chartHtml = html.Contains("Plotly.newPlot", StringComparison.Ordinal) || html.Contains("renderPlotly", StringComparison.Ordinal)
                                || html.Contains("cdn.plot.ly", StringComparison.Ordinal);
                Assert.False(chartHtml || data?["application/vnd.plotly.v1+json"] is not null,
                    $"{name} saves a chart without a PNG (its output is Plotly HTML, which GitHub cannot draw): re-run it with c2l-notebook where Chromium is installed");
                Assert.DoesNotContain("plotly.js v", html);
            }
            var firstCode = Cells(notebook).First(c => c!["cell_type"]!.GetValue<string>() == "code");
            Assert.Contains("#load \"build-check.csx\"", Text(firstCode!["source"]));
            Assert.DoesNotContain(Cells(notebook), c => Text(c!["source"]).Contains("#r \"nuget: TorchSharp", StringComparison.Ordinal));
        }
        Assert.Contains(notebooks.SelectMany(Outputs), o => o["data"]?["image/png"] is not null);
    }

    [Fact]
    public async Task EveryRepoNotebookRunsOnTheRealKernelWithTheSmokePreset()
    {
        using var files = new NotebookFiles();
        var exe = Path.Combine(AppContext.BaseDirectory, "c2l-notebook.dll");
        var (code, stdout, stderr) = await RunProcess(exe, "run", Path.Combine(RepoRoot(), "notebooks"), "--param", "preset=smoke", "--out", files.Dir, "--timeout-per-cell", "900");

        Assert.True(code == 0, $"c2l-notebook exited {code}\n{stdout}\n{stderr}");
        foreach (var notebook in RepoNotebooks())
        {
            var executed = Path.Combine(files.Dir, Path.GetFileName(notebook));
            var errors = Outputs(executed).Where(o => o["output_type"]!.GetValue<string>() == "error").Select(o => o.ToJsonString()).ToList();
            Assert.True(errors.Count == 0, $"{Path.GetFileName(notebook)}: {string.Join("\n", errors)}");
            Assert.Null(NbformatValidator.Validate(executed));
            bool Tagged(string tag) => Cells(executed).Any(c => c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == tag) == true);
            Assert.Equal(Tagged("parameters"), Tagged("injected-parameters"));    // the smoke preset reached every notebook that takes one
        }
    }

    [Fact]
    public async Task ThePaperPresetStopsEarlyOnACpuWithThePlansEstimate()
    {
        // Issue 12 §5: notebooks 04–07 take preset = "paper" and, on a CPU, stop at the config cell with the plan's hours, before
        // building a benchmark or loading a model. (On a GPU machine the same cell passes and the next one asks for the data.)
        if (TorchSharp.torch.cuda.is_available()) return;
        using var files = new NotebookFiles();
        var exe = Path.Combine(AppContext.BaseDirectory, "c2l-notebook.dll");
        var notebook = Path.Combine(RepoRoot(), "notebooks", "04-train-static.ipynb");
        var executedPath = Path.Combine(files.Dir, "04.ipynb");
        var (code, stdout, stderr) = await RunProcess(exe, "run", notebook, "--param", "preset=paper", "--out", executedPath, "--timeout-per-cell", "300");
        Assert.True(code == 1, $"c2l-notebook exited {code}\n{stdout}\n{stderr}");
        // The config cell is the first to fail (the cells after it fail for want of its variables).
        var error = Outputs(executedPath).First(o => o["output_type"]!.GetValue<string>() == "error")["evalue"]!.GetValue<string>();
        Assert.Contains("static config 'paper' on the CPU: the plan's train-static stage", error);
        Assert.Contains("h on one H100; stopped before loading anything", error);
    }

    [Fact]
    public async Task BuiltExecutableRunsANotebookAndReportsFailureInItsExitCode()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "c2l-notebook.dll");
        Assert.True(File.Exists(exe), "the test project references the runner, so its build output sits beside the tests");
        using var files = new NotebookFiles();
        var input = files.Write("cli.ipynb", Code("Console.WriteLine(6 * 7);"), Code("undefinedName"));
        var output = Path.Combine(files.Dir, "cli-out.ipynb");

        var (code, stdout, stderr) = await RunProcess(exe, "run", input, "--out", output);

        Assert.Equal(1, code);
        Assert.Contains("[1/2] cell 1", stdout);
        Assert.Contains("[2/2] cell 2", stdout);
        Assert.Contains("cell 2 (id ", stderr);
        Assert.Contains("error CS0103", stderr);
        var cells = Cells(output);
        Assert.Equal("42\n", Text(cells[0]!["outputs"]![0]!["text"]));
        Assert.StartsWith("(1,1): error CS0103", cells[1]!["outputs"]![0]!["evalue"]!.GetValue<string>());

        var help = await RunProcess(exe, "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("--timeout-per-cell", help.Stdout);
    }

    [Fact]
    public void CommandLineParsesNotebooksDirectoriesAndOptions()
    {
        using var files = new NotebookFiles();
        var a = files.Write("a.ipynb", Code("1"));
        files.Write("b.ipynb", Code("2"));
        files.Write("b.out.ipynb", Code("2"));
        var outDir = Directory.CreateDirectory(Path.Combine(files.Dir, "out")).FullName;

        var request = RunnerCommandLine.Parse(["run", files.Dir, "--out", outDir, "--param", "preset=smoke", "-p", "x=a=b", "--timeout-per-cell", "2.5"]);
        Assert.Equal(["a.ipynb", "b.ipynb"], request.Jobs.Select(j => Path.GetFileName(j.Input)));
        Assert.All(request.Jobs, j => Assert.Equal(outDir, Path.GetDirectoryName(j.Output)));
        Assert.Equal(new Dictionary<string, string> { ["preset"] = "smoke", ["x"] = "a=b" }, request.Parameters);
        Assert.Equal(TimeSpan.FromSeconds(2.5), request.CellTimeout);

        Assert.Equal(Path.ChangeExtension(a, ".out.ipynb"), RunnerCommandLine.Parse(["run", a]).Jobs[0].Output);
        Assert.Equal(a, RunnerCommandLine.Parse(["run", a, "--in-place"]).Jobs[0].Output);
        Assert.Throws<ArgumentException>(() => RunnerCommandLine.Parse(["run", a, "--in-place", "--out", "x.ipynb"]));
        Assert.Throws<ArgumentException>(() => RunnerCommandLine.Parse(["run", a, "--param", "novalue"]));
        Assert.Throws<ArgumentException>(() => RunnerCommandLine.Parse(["run", Path.Combine(files.Dir, "missing.ipynb")]));
    }

    [Fact]
    public async Task TheFirstCellSaysWhichCommandToRunWhenTheBuildIsMissingOrStale()
    {
        using var files = new NotebookFiles();
        File.WriteAllText(Path.Combine(files.Dir, "Code2Lora.sln"), "");
        var nbDir = Directory.CreateDirectory(Path.Combine(files.Dir, "notebooks")).FullName;
        File.Copy(Path.Combine(RepoRoot(), "notebooks", "build-check.csx"), Path.Combine(nbDir, "build-check.csx"));
        var source = Directory.CreateDirectory(Path.Combine(files.Dir, "src", "Code2Lora", "Models")).FullName;
        File.WriteAllText(Path.Combine(source, "Decoder.cs"), "class Decoder { }");
        var notebook = Path.Combine(nbDir, "check.ipynb");
        File.Move(files.Write("check.ipynb", Code("#load \"build-check.csx\"")), notebook);
        var runner = new NotebookRunner();

        async Task<string?> Check() =>
            (await runner.RunAsync(new NotebookRunOptions { InputPath = notebook, OutputPath = notebook + ".out" })).Cells[0].Error;

        Assert.Contains("Code2Lora is not built (Code2Lora.dll is missing", await Check());
        Assert.Contains("Run: dotnet build Code2Lora.sln -c Release", await Check());

        var output = Directory.CreateDirectory(Path.Combine(files.Dir, "src", "Code2Lora", "bin", "Release", "net10.0")).FullName;
        foreach (var dll in new[] { "Code2Lora.dll", "TorchSharp.dll" })
        {
            File.WriteAllText(Path.Combine(output, dll), "");
            File.SetLastWriteTimeUtc(Path.Combine(output, dll), DateTime.UtcNow.AddHours(-1));
        }
        var stale = await Check();
        Assert.Contains("older than src/Code2Lora/Models/Decoder.cs", stale);
        Assert.Contains("dotnet build Code2Lora.sln -c Release", stale);

        File.SetLastWriteTimeUtc(Path.Combine(source, "Decoder.cs"), DateTime.UtcNow.AddHours(-2));
        Assert.Null(await Check());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunProcess(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
