using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Notebooks;
using static Code2Lora.Tests.Notebooks.NotebookFiles;

namespace Code2Lora.Tests.Notebooks;

/// <summary>The headless runner executes notebooks the tests write, and the outputs land in the ipynb as nbformat 4.</summary>
[Collection("Torch")]   // notebooks train and seed torch too: never alongside the other torch tests
public class NotebookRunnerTests
{
    private static readonly NotebookRunner Runner = new();

    private static async Task<(NotebookRunResult Result, JsonArray Cells)> Run(string input, Dictionary<string, string>? parameters = null, TimeSpan? timeout = null)
    {
        var output = Path.ChangeExtension(input, ".out.ipynb");
        var result = await Runner.RunAsync(new NotebookRunOptions
        {
            InputPath = input, OutputPath = output, Parameters = parameters ?? [], CellTimeout = timeout,
        });
        return (result, result.OutputPath is null ? [] : Cells(output));
    }

    private static JsonObject Output(JsonArray cells, int cell, int output = 0) => (JsonObject)cells[cell]!["outputs"]![output]!;

    [Fact]
    public async Task StateCarriesAcrossCellsAndStdoutIsCaptured()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("state.ipynb",
            Code("var x = 20;\nstring Twice(int v) => $\"{2 * v}\";"),
            Code("Console.WriteLine(\"x is \" + x);\nConsole.Error.WriteLine(\"careful\");\nTwice(x + 1)")));

        Assert.True(result.Succeeded);
        Assert.Equal(2, cells[1]!["execution_count"]!.GetValue<int>());
        var stdout = Output(cells, 1, 0);
        Assert.Equal(("stream", "stdout", "x is 20\n"), (stdout["output_type"]!.GetValue<string>(), stdout["name"]!.GetValue<string>(), Text(stdout["text"])));
        Assert.Equal("careful\n", Text(Output(cells, 1, 1)["text"]));
        var value = Output(cells, 1, 2);
        Assert.Equal("execute_result", value["output_type"]!.GetValue<string>());
        Assert.Equal("42", Text(value["data"]!["text/plain"]));
    }

    [Fact]
    public async Task DisplaysTablesChartsTensorsAndText()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("display.ipynb",
            Code("#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"nuget: Microsoft.Data.Analysis, 0.23.1\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n" +
                 "using TorchSharp;\nusing Microsoft.Data.Analysis;\nusing CS = Plotly.NET.CSharp;\nrecord Row(string Repo, int Tasks);"),
            Code("display(\"plain words\");\ntorch.arange(6).reshape(2, 3).Display();\n" +
                 "new DataFrame(new StringDataFrameColumn(\"repo\", new[] { \"a<b\", \"c\" }), new Int32DataFrameColumn(\"tasks\", new[] { 3, 4 }))"),
            Code("new[] { new Row(\"alpha\", 7), new Row(\"beta\", 9) }"),
            Code("CS.Chart.Line<int, double, string>(x: new[] { 1, 2 }, y: new[] { 1.0, 4.0 }).Display();\n" +
                 "CS.Chart.Column<double, string, string>(values: new[] { 0.4, 0.3 }, Keys: new[] { \"base\", \"lora\" })")));

        Assert.True(result.Succeeded, string.Join("\n", cells.SelectMany(c => c!["outputs"]?.AsArray() ?? []).Select(o => o!.ToJsonString())));
        Assert.Equal("plain words", Text(Output(cells, 1, 0)["data"]!["text/plain"]));
        Assert.Equal("Int64 [2, 3] on cpu\n[[0, 1, 2]\n [3, 4, 5]]", Text(Output(cells, 1, 1)["data"]!["text/plain"]));
        var frame = Output(cells, 1, 2)["data"]!;
        Assert.Contains("<th>repo</th><th>tasks</th>", Text(frame["text/html"]));
        Assert.Contains("<td>a&lt;b</td><td>3</td>", Text(frame["text/html"]));
        Assert.Equal("repo  tasks\na<b   3\nc     4", Text(frame["text/plain"]));
        var records = Output(cells, 2)["data"]!;
        Assert.Contains("<th>Repo</th><th>Tasks</th>", Text(records["text/html"]));
        Assert.Contains("<td>beta</td><td>9</td>", Text(records["text/html"]));

        var first = Text(Output(cells, 3, 0)["data"]!["text/html"]);
        var second = Text(Output(cells, 3, 1)["data"]!["text/html"]);
        Assert.Contains("plotly.js v", first);                                   // the script is embedded once...
        Assert.DoesNotContain("plotly.js v", second);                            // ...and later charts wait for it
        Assert.Contains("typeof Plotly !== 'undefined'", second);
        Assert.DoesNotContain("src=\"https://cdn.plot.ly", first + second);      // nothing loads from the network
    }

    [Fact]
    public async Task CompileErrorGivesCellRelativeLineAndLaterCellsStillRun()
    {
        using var files = new NotebookFiles();
        var path = files.Write("broken.ipynb",
            Code("#!csharp\nvar kept = 5;"),
            Code("var fine = 1;\n\nint wrong = \"text\";"),
            Code("throw new InvalidOperationException(\"boom\");"),
            Code("kept + 1"));
        var (result, cells) = await Run(path);

        Assert.False(result.Succeeded);
        var error = Output(cells, 1);
        Assert.Equal("error", error["output_type"]!.GetValue<string>());
        Assert.Equal("CompilationError", error["ename"]!.GetValue<string>());
        Assert.StartsWith("(3,13): error CS0029", error["evalue"]!.GetValue<string>());
        var thrown = Output(cells, 2);
        Assert.Equal(("System.InvalidOperationException", "boom"), (thrown["ename"]!.GetValue<string>(), thrown["evalue"]!.GetValue<string>()));
        Assert.Equal("6", Text(Output(cells, 3)["data"]!["text/plain"]));
        Assert.Equal([CellStatus.Ok, CellStatus.Error, CellStatus.Error, CellStatus.Ok], result.Cells.Select(c => c.Status));

        var stdout = new StringWriter();
        Assert.Equal(1, await RunnerCommandLine.MainAsync(["run", path, "--out", Path.Combine(files.Dir, "cli.ipynb")], stdout, new StringWriter()));
        Assert.Contains("[2/4] cell 2", stdout.ToString());
        Assert.Contains("ERROR", stdout.ToString());
    }

    [Fact]
    public async Task UnknownNugetPackageFailsFastWithTheMessage()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("nuget.ipynb",
            Code("var a = 1;"),
            Code("#r \"nuget: No.Such.Package, 1.2.3\"\nvar b = 2;"),
            Code("var c = 3;")));

        Assert.False(result.Succeeded);
        Assert.Equal([CellStatus.Ok, CellStatus.Refused, CellStatus.NotRun], result.Cells.Select(c => c.Status));
        Assert.Equal("notebook asks for nuget package 'No.Such.Package' which this runner does not ship; ship it by adding it to " +
                     "src/Code2Lora.Notebooks/Code2Lora.Notebooks.csproj", Output(cells, 1)["evalue"]!.GetValue<string>());
        Assert.Empty(cells[2]!["outputs"]!.AsArray());
    }

    [Fact]
    public async Task ParametersAreInjectedAfterTheParametersCellAndReplacedOnRerun()
    {
        using var files = new NotebookFiles();
        var input = files.Write("params.ipynb",
            Markdown("# title", id: "md"),
            Code("var preset = \"tiny\";\nvar steps = 10;\nfloat lr = 0.5f;\nvar fast = false;", tags: ["parameters"], id: "p"),
            Code("$\"{preset} {steps} {lr} {fast}\"", id: "use"));
        var (first, cells) = await Run(input, new() { ["preset"] = "smo\"ke", ["steps"] = "3", ["lr"] = "0.25", ["fast"] = "true" });

        Assert.True(first.Succeeded);
        Assert.Equal(4, cells.Count);
        Assert.Equal("injected-parameters", cells[2]!["metadata"]!["tags"]![0]!.GetValue<string>());
        Assert.Contains("preset = \"smo\\\"ke\";", Text(cells[2]!["source"]));
        Assert.Equal("smo\"ke 3 0.25 True", Text(Output(cells, 3)["data"]!["text/plain"]));

        // Re-running the executed notebook replaces the injected cell instead of stacking a second one.
        var rerunInput = first.OutputPath!;
        var rerun = await Runner.RunAsync(new NotebookRunOptions
        {
            InputPath = rerunInput, OutputPath = Path.Combine(files.Dir, "rerun.ipynb"), Parameters = new Dictionary<string, string> { ["steps"] = "7" },
        });
        var rerunCells = Cells(rerun.OutputPath!);
        Assert.Single(rerunCells, c => c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "injected-parameters") == true);
        Assert.Equal("tiny 7 0.5 False", Text(Output(rerunCells, 3)["data"]!["text/plain"]));
    }

    [Fact]
    public async Task UndeclaredParameterIsAnError()
    {
        using var files = new NotebookFiles();
        var (result, _) = await Run(files.Write("undeclared.ipynb", Code("var preset = \"tiny\";", tags: ["parameters"])), new() { ["nope"] = "1" });

        Assert.False(result.Succeeded);
        Assert.Null(result.OutputPath);
        Assert.Contains("'nope' is not declared in the parameters cell (it declares: preset)", result.Failure);
    }

    [Fact]
    public async Task CellsOfOtherKernelsAreSkippedAndLeftAsTheyWere()
    {
        using var files = new NotebookFiles();
        var fsharp = Code("let x = 1", kernel: "fsharp");
        fsharp["outputs"] = new JsonArray(new JsonObject { ["name"] = "stdout", ["output_type"] = "stream", ["text"] = "old\n" });
        var (result, cells) = await Run(files.Write("kernels.ipynb",
            fsharp,
            Code("#!pwsh\nGet-ChildItem"),
            Code("#!markdown\n# not code"),
            Code("#!csharp\n1 + 1", kernel: "fsharp"),
            Markdown("text")));

        Assert.True(result.Succeeded);
        Assert.Equal([3], result.Cells.Select(c => c.CellIndex));
        Assert.Equal("old\n", Text(Output(cells, 0)["text"]));
        Assert.Empty(cells[1]!["outputs"]!.AsArray());
        Assert.Equal("2", Text(Output(cells, 3)["data"]!["text/plain"]));
    }

    [Fact]
    public async Task OutputIsNbformat4AndKeepsWhatTheRunnerDoesNotOwn()
    {
        using var files = new NotebookFiles();
        var input = files.Write("shape.ipynb",
            Markdown("# Ünïcode <b>title</b>", id: "m1"),
            Code("Console.Write(\"a\\nb\");\ndisplay(3);\n\"é\"", id: "c1"));
        var stale = JsonNode.Parse(File.ReadAllText(input))!;
        stale["cells"]![1]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "stale\n" });
        File.WriteAllText(input, stale.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 1 }) + "\n");
        var (result, _) = await Run(input);
        Assert.True(result.Succeeded);

        var text = File.ReadAllText(result.OutputPath!);
        Assert.EndsWith("}\n", text);
        Assert.Contains("\"# Ünïcode <b>title</b>\"", text);                  // raw, not \u-escaped
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        Assert.Equal("1.50", root.GetProperty("metadata").GetProperty("custom_field").GetProperty("kept").GetRawText());
        Assert.Equal(["m1", "c1"], root.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        foreach (var cell in root.GetProperty("cells").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Object, cell.GetProperty("metadata").ValueKind);
            Assert.True(cell.TryGetProperty("source", out _));
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            Assert.Equal(JsonValueKind.Number, cell.GetProperty("execution_count").ValueKind);
            foreach (var output in cell.GetProperty("outputs").EnumerateArray())
                Assert.Contains(output.GetProperty("output_type").GetString(), new[] { "stream", "display_data", "execute_result", "error" });
        }
        var outputs = root.GetProperty("cells")[1].GetProperty("outputs");
        Assert.Equal(3, outputs.GetArrayLength());                               // the stale output was cleared
        Assert.Equal(["a\n", "b"], outputs[0].GetProperty("text").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task HungCellTimesOutAndStopsTheRun()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("hung.ipynb",
            Code("Console.WriteLine(\"before\");\nawait Task.Delay(TimeSpan.FromMinutes(5));"),
            Code("1")), timeout: TimeSpan.FromSeconds(4)); // the budget includes compiling the cell, slow on a loaded 2-core machine

        Assert.False(result.Succeeded);
        Assert.Equal([CellStatus.TimedOut, CellStatus.NotRun], result.Cells.Select(c => c.Status));
        Assert.Equal("before\n", Text(Output(cells, 0, 0)["text"]));
        Assert.Equal("CellTimeout", Output(cells, 0, 1)["ename"]!.GetValue<string>());
    }

    [Fact]
    public async Task PathReferencesResolveFromTheNotebookFolderAndCode2LoraBindsToTheRunnersCopy()
    {
        using var files = new NotebookFiles();
        var libDir = Directory.CreateDirectory(Path.Combine(files.Dir, "lib")).FullName;
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("ExtraLib",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Extra; public static class Answer { public static int Value => 42; }")],
            [Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
        using (var dll = File.Create(Path.Combine(libDir, "ExtraLib.dll"))) Assert.True(compilation.Emit(dll).Success);
        var nbDir = Directory.CreateDirectory(Path.Combine(files.Dir, "notebooks")).FullName;
        File.Move(files.Write("refs.ipynb",
            Code("#r \"../lib/ExtraLib.dll\"\n#r \"../src/Code2Lora/bin/NoSuchConfiguration/net10.0/Code2Lora.dll\""),
            Code("$\"{Extra.Answer.Value} {typeof(Code2Lora.Runtime.AtomicFile).Assembly.Location}\"")), Path.Combine(nbDir, "refs.ipynb"));

        var (result, cells) = await Run(Path.Combine(nbDir, "refs.ipynb"));

        Assert.True(result.Succeeded, cells.ToJsonString());
        Assert.Equal($"42 {typeof(Code2Lora.Runtime.AtomicFile).Assembly.Location}", Text(Output(cells, 1)["data"]!["text/plain"]));
    }
}
