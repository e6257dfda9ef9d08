using System.Diagnostics;
using System.Text.Json.Nodes;
using Code2Lora.Notebooks;
using static Code2Lora.Tests.Notebooks.NotebookFiles;

namespace Code2Lora.Tests.Notebooks;

/// <summary>Every notebook shipped under notebooks/ runs clean (smoke preset), and the built c2l-notebook works as a process.</summary>
[Collection("Torch")]   // notebooks train and seed torch too: never alongside the other torch tests
public class RepoNotebooksTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Code2Lora.sln"))) return dir.FullName;
        throw new InvalidOperationException("Code2Lora.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task EveryRepoNotebookRunsWithoutErrorOutputs()
    {
        var notebooks = Directory.GetFiles(Path.Combine(RepoRoot(), "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(notebooks);
        using var files = new NotebookFiles();
        var runner = new NotebookRunner();
        foreach (var notebook in notebooks)
        {
            var hasParameters = Cells(notebook).Any(c => c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "parameters") == true);
            var result = await runner.RunAsync(new NotebookRunOptions
            {
                InputPath = notebook,
                OutputPath = Path.Combine(files.Dir, Path.GetFileName(notebook)),         // never in place
                Parameters = hasParameters ? new Dictionary<string, string> { ["preset"] = "smoke" } : new Dictionary<string, string>(),
            });
            var errors = Cells(result.OutputPath ?? notebook).SelectMany(c => c!["outputs"]?.AsArray() ?? [])
                .Where(o => o!["output_type"]!.GetValue<string>() == "error").Select(o => o!.ToJsonString()).ToList();
            Assert.True(result.Succeeded && errors.Count == 0, $"{Path.GetFileName(notebook)}: {result.Failure} {string.Join("\n", errors)}");
        }
    }

    [Fact]
    public async Task BuiltExecutableRunsANotebookAndReportsFailureInItsExitCode()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "c2l-notebook.dll");
        Assert.True(File.Exists(exe), "the test project references the runner, so its build output sits beside the tests");
        using var files = new NotebookFiles();
        var input = files.Write("cli.ipynb", Code("Console.WriteLine(6 * 7);"), Code("undefinedName"));
        var output = Path.Combine(files.Dir, "cli-out.ipynb");

        var start = new ProcessStartInfo("dotnet", ["exec", exe, "run", input, "--out", output]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("[1/2] cell 1", stdout);
        Assert.Contains("[2/2] cell 2", stdout);
        var cells = Cells(output);
        Assert.Equal("42\n", Text(cells[0]!["outputs"]![0]!["text"]));
        Assert.StartsWith("(1,1): error CS0103", cells[1]!["outputs"]![0]!["evalue"]!.GetValue<string>());
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
}
