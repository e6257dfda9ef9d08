using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Notebooks;
using static Code2Lora.Tests.Notebooks.NotebookFiles;

namespace Code2Lora.Tests.Notebooks;

/// <summary>c2l-notebook runs notebooks the tests write on .NET Interactive's own C# kernel, and the outputs land in the
/// ipynb as nbformat 4.5.</summary>
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

    private static string Dump(JsonArray cells) => string.Join("\n", cells.SelectMany(c => c!["outputs"]?.AsArray() ?? []).Select(o => o!.ToJsonString()));

    [Fact]
    public async Task StateCarriesAcrossCellsAndConsoleAndValuesAreCaptured()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("state.ipynb",
            Code("var x = 20;\nstring Twice(int v) => $\"{2 * v}\";"),
            Code("Console.WriteLine(\"x is \" + x);\nConsole.Error.WriteLine(\"careful\");\nTwice(x + 1)"),
            Code("display(\"shown\");\nx + 1")));

        Assert.True(result.Succeeded, Dump(cells));
        Assert.Equal([1, 2, 3], cells.Select(c => c!["execution_count"]!.GetValue<int>()));
        var stdout = Output(cells, 1, 0);
        Assert.Equal(("stream", "stdout", "x is 20\n"), (stdout["output_type"]!.GetValue<string>(), stdout["name"]!.GetValue<string>(), Text(stdout["text"])));
        Assert.Equal(("stderr", "careful\n"), (Output(cells, 1, 1)["name"]!.GetValue<string>(), Text(Output(cells, 1, 1)["text"])));
        var value = Output(cells, 1, 2);
        Assert.Equal(("execute_result", 2), (value["output_type"]!.GetValue<string>(), value["execution_count"]!.GetValue<int>()));
        Assert.Equal("42", Text(value["data"]!["text/plain"]));
        Assert.Equal(("display_data", "shown"), (Output(cells, 2, 0)["output_type"]!.GetValue<string>(), Text(Output(cells, 2, 0)["data"]!["text/plain"])));
        Assert.Equal("21", Text(Output(cells, 2, 1)["data"]!["text/plain"]));       // a number keeps a text/plain beside the kernel's HTML
        Assert.Contains("21", Text(Output(cells, 2, 1)["data"]!["text/html"]));
    }

    [Fact]
    public async Task SequencesOfRecordsShowAsTablesAndMagicCommandsWork()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("display.ipynb",
            Code("record Row(string Repo, int Tasks);\nnew[] { new Row(\"alpha\", 7), new Row(\"b<eta\", 9) }"),
            Code("#!time\nvar slept = 1;"),
            Code("#!who")));

        Assert.True(result.Succeeded, Dump(cells));
        var table = Text(Output(cells, 0)["data"]!["text/html"]);
        Assert.Contains("<table", table);
        Assert.Contains("alpha", table);
        Assert.Contains("b&lt;eta", table);
        Assert.StartsWith("Wall time: ", Text(Output(cells, 1)["data"]!["text/plain"]));
        Assert.Contains("slept", Dump(cells));
    }

    [Fact]
    public async Task FailuresAreNamedAndLaterCellsStillRun()
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
        Assert.Equal(("error", "CompilationError"), (error["output_type"]!.GetValue<string>(), error["ename"]!.GetValue<string>()));
        Assert.StartsWith("(3,13): error CS0029", error["evalue"]!.GetValue<string>());  // lines counted from the cell's first line
        var thrown = Output(cells, 2);
        Assert.Equal(("System.InvalidOperationException", "boom"), (thrown["ename"]!.GetValue<string>(), thrown["evalue"]!.GetValue<string>()));
        Assert.Equal("6", Text(Output(cells, 3)["data"]!["text/plain"]));
        Assert.Equal([CellStatus.Ok, CellStatus.Error, CellStatus.Error, CellStatus.Ok], result.Cells.Select(c => c.Status));

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(1, await RunnerCommandLine.MainAsync(["run", path, "--out", Path.Combine(files.Dir, "cli.ipynb")], stdout, stderr));
        Assert.Contains("[2/4] cell 2", stdout.ToString());
        Assert.Contains($"cell 2 (id {cells[1]!["id"]!.GetValue<string>()}): (3,13): error CS0029", stderr.ToString());
        Assert.Contains("cell 3 (id", stderr.ToString());
        Assert.Contains("System.InvalidOperationException: boom", stderr.ToString());
    }

    [Fact]
    public async Task NugetReferencesAreRestoredByTheKernel()
    {
        using var files = new NotebookFiles();
        var (result, cells) = await Run(files.Write("nuget.ipynb",
            Code("#r \"nuget: Humanizer.Core, 2.14.1\"\nusing Humanizer;\n\"some_text\".Humanize()"),
            Code("#r \"nuget: No.Such.Package.C2l, 1.2.3\""),
            Code("1 + 2")));

        Assert.Equal([CellStatus.Ok, CellStatus.Error, CellStatus.Ok], result.Cells.Select(c => c.Status));
        Assert.Contains(cells[0]!["outputs"]!.AsArray(), o => o!["output_type"]!.GetValue<string>() == "execute_result" && Text(o["data"]!["text/plain"]) == "some text");
        Assert.Contains("No.Such.Package.C2l", result.Cells[1].Error);
        Assert.Equal("3", Text(Output(cells, 2)["data"]!["text/plain"]));
    }

    [Fact]
    public async Task ParametersAreInjectedAfterTheParametersCellAndReplacedOnRerun()
    {
        using var files = new NotebookFiles();
        var input = files.Write("params.ipynb",
            Markdown("# title", id: "md"),
            Code("var preset = \"tiny\";\nvar steps = 10;\nfloat lr = 0.5f;\nvar fast = false;\nint? rank = 4;", tags: ["parameters"], id: "p"),
            Code("$\"{preset} {steps} {lr} {fast} {rank?.ToString() ?? \"file\"}\"", id: "use"));
        var (first, cells) = await Run(input, new() { ["preset"] = "smo\"ke", ["steps"] = "3", ["lr"] = "0.25", ["fast"] = "true", ["rank"] = "null" });

        Assert.True(first.Succeeded, Dump(cells));
        Assert.Equal(4, cells.Count);
        Assert.Equal(("injected-parameters", "injected-parameters"), (cells[2]!["metadata"]!["tags"]![0]!.GetValue<string>(), cells[2]!["id"]!.GetValue<string>()));
        Assert.Contains("preset = \"smo\\\"ke\";", Text(cells[2]!["source"]));
        Assert.Equal("smo\"ke 3 0.25 True file", Text(Output(cells, 3)["data"]!["text/plain"]));   // null: keep the config file's value

        // Re-running the executed notebook replaces the injected cell instead of stacking a second one.
        var rerun = await Runner.RunAsync(new NotebookRunOptions
        {
            InputPath = first.OutputPath!, OutputPath = Path.Combine(files.Dir, "rerun.ipynb"), Parameters = new Dictionary<string, string> { ["steps"] = "7" },
        });
        var rerunCells = Cells(rerun.OutputPath!);
        Assert.Single(rerunCells, c => c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "injected-parameters") == true);
        Assert.Equal("tiny 7 0.5 False 4", Text(Output(rerunCells, 3)["data"]!["text/plain"]));
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
    public async Task CellsOfKernelsTheRunnerDoesNotHostAreSkippedAndLeftAsTheyWere()
    {
        using var files = new NotebookFiles();
        var fsharp = Code("let x = 1", kernel: "fsharp");
        fsharp["outputs"] = new JsonArray(new JsonObject { ["name"] = "stdout", ["output_type"] = "stream", ["text"] = "old\n" });
        var (result, cells) = await Run(files.Write("kernels.ipynb",
            fsharp,
            Code("#!pwsh\nGet-ChildItem"),
            Code("#!csharp\n1 + 1", kernel: "fsharp"),
            Markdown("text")));

        Assert.True(result.Succeeded, Dump(cells));
        Assert.Equal([CellStatus.Skipped, CellStatus.Skipped, CellStatus.Ok], result.Cells.Select(c => c.Status));
        Assert.Equal("old\n", Text(Output(cells, 0)["text"]));
        Assert.Empty(cells[1]!["outputs"]!.AsArray());
        Assert.Equal("2", Text(Output(cells, 2)["data"]!["text/plain"]));
    }

    [Fact]
    public async Task OutputIsNbformat45WithCellIdsAndKeepsTheNotebookMetadata()
    {
        using var files = new NotebookFiles();
        var input = files.Write("shape.ipynb",
            Markdown("# Ünïcode <b>title</b>"),
            Code("Console.Write(\"a\\nb\");\ndisplay(3);\n\"é\""));
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
        Assert.Equal((4, 5), (root.GetProperty("nbformat").GetInt32(), root.GetProperty("nbformat_minor").GetInt32()));
        Assert.Equal("yes", root.GetProperty("metadata").GetProperty("custom_field").GetProperty("kept").GetString());
        var ids = root.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.All(ids, id => Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var outputs = root.GetProperty("cells")[1].GetProperty("outputs");
        Assert.Equal(3, outputs.GetArrayLength());                               // the stale output was cleared
        Assert.Equal(["a\n", "b"], outputs[0].GetProperty("text").EnumerateArray().Select(l => l.GetString()));
        Assert.Null(NbformatValidator.Validate(result.OutputPath!));
    }

    [Fact]
    public async Task HungCellTimesOutAndStopsTheRun()
    {
        using var files = new NotebookFiles();
        // The first cell warms the kernel up (its compiler's first run is slow on a loaded machine), so the budget of the
        // hung cell is spent hanging.
        var (result, cells) = await Run(files.Write("hung.ipynb",
            Code("var warm = 1;"),
            Code("Console.WriteLine(\"before\");\nawait Task.Delay(TimeSpan.FromMinutes(5));"),
            Code("1")), timeout: TimeSpan.FromSeconds(20));

        Assert.False(result.Succeeded);
        Assert.Equal([CellStatus.Ok, CellStatus.TimedOut, CellStatus.NotRun], result.Cells.Select(c => c.Status));
        Assert.Equal("before\n", Text(Output(cells, 1, 0)["text"]));
        Assert.Equal("CellTimeout", Output(cells, 1, 1)["ename"]!.GetValue<string>());
    }

    [Fact]
    public async Task PathReferencesAndLoadsResolveFromTheNotebookFolder()
    {
        using var files = new NotebookFiles();
        var libDir = Directory.CreateDirectory(Path.Combine(files.Dir, "lib")).FullName;
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("ExtraLib",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Extra; public static class Answer { public static int Value => 42; }")],
            [Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
        using (var dll = File.Create(Path.Combine(libDir, "ExtraLib.dll"))) Assert.True(compilation.Emit(dll).Success);
        var nbDir = Directory.CreateDirectory(Path.Combine(files.Dir, "notebooks")).FullName;
        File.WriteAllText(Path.Combine(nbDir, "helper.csx"), "#r \"../lib/ExtraLib.dll\"\nint Doubled() => 2 * Extra.Answer.Value;");
        File.Move(files.Write("refs.ipynb", Code("#load \"helper.csx\""), Code("Doubled()")), Path.Combine(nbDir, "refs.ipynb"));

        var before = Environment.CurrentDirectory;
        var (result, cells) = await Run(Path.Combine(nbDir, "refs.ipynb"));

        Assert.True(result.Succeeded, Dump(cells));
        Assert.Equal("84", Text(Output(cells, 1)["data"]!["text/plain"]));
        Assert.Equal(before, Environment.CurrentDirectory);                   // the notebook's folder only while it ran
    }
}
