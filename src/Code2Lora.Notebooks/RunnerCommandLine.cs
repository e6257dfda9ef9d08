using System.Globalization;

namespace Code2Lora.Notebooks;

/// <summary>The <c>c2l-notebook</c> command line: <c>run NOTEBOOK.ipynb|DIR ... [--out PATH | --in-place] [--param name=value ...] [--timeout-per-cell SECONDS]</c>.</summary>
public static class RunnerCommandLine
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage: c2l-notebook run NOTEBOOK.ipynb|DIRECTORY ... [--out OUT.ipynb|OUT_DIR | --in-place]
                                [--param name=value ...] [--timeout-per-cell SECONDS]
               c2l-notebook --help

          Runs Polyglot (.NET Interactive) notebooks on .NET Interactive's own C# kernel, hosted in this process, and
          saves their outputs: each code cell is submitted as VS Code submits it (#r "nuget:", #!csharp, #!time, #!who,
          #!set, #!import and display() work as there). Each notebook gets a fresh kernel whose working directory is the
          notebook's folder. Cells of other kernels (F#, PowerShell, ...) are skipped and left as they were.

          Without --out or --in-place, NAME.ipynb is written to NAME.out.ipynb beside it.
          A directory means every *.ipynb in it (not *.out.ipynb), in name order.
          --out                takes a file for one notebook and a directory for several.
          --param name=value   overrides a variable of the cell tagged "parameters" (papermill convention): a cell tagged
                               "injected-parameters" is inserted after it, replacing the one of an earlier run.
          --timeout-per-cell   cancels a cell that runs longer (seconds) and stops that notebook there.
          Exit code: 0 when every cell ran, 1 when a cell failed (each failed cell is named with its error), 2 for bad usage.
        """;

    /// <summary>Parses the arguments, runs the notebooks and returns the process exit code.</summary>
    public static async Task<int> MainAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args.Any(a => a is "-h" or "--help") || args[0] == "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        RunRequest request;
        try { request = Parse(args); }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"error: {e.Message.TrimEnd('.')}; see: c2l-notebook --help");
            return 2;
        }
        // An unreadable notebook is bad input, not a failed cell: say so before any notebook runs.
        foreach (var (input, _) in request.Jobs)
        {
            try { NotebookFile.Read(input); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var what = e.Message.Contains(input, StringComparison.Ordinal) ? e.Message.TrimEnd('.') : $"{input}: not a readable notebook ({e.Message.TrimEnd('.')})";
                stderr.WriteLine($"error: {what}; pass a Jupyter notebook (nbformat 4, as VS Code Polyglot Notebooks saves it).");
                return 2;
            }
        }

        // With --out, what the notebooks write under results/ goes to a copy of the committed results beside the executed
        // notebooks (C2L_RESULTS), so such a run leaves the committed results untouched; the redirect ends with the run.
        var resultsBefore = Environment.GetEnvironmentVariable(ResultsCopy.Variable);
        if (request.OutputElsewhere && resultsBefore is null)
        {
            var results = ResultsCopy.Redirect(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Jobs[0].Output))!, "results"));
            stdout.WriteLine($"results/ of these notebooks → {results} (a copy of the committed results)");
        }
        try
        {
            return await RunAsync(request, stdout, stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ResultsCopy.Variable, resultsBefore);
        }
    }

    private static async Task<int> RunAsync(RunRequest request, TextWriter stdout, TextWriter stderr)
    {
        var runner = new NotebookRunner();
        bool allOk = true;
        foreach (var (input, output) in request.Jobs)
        {
            stdout.WriteLine($"{input} -> {output}");
            var result = await runner.RunAsync(new NotebookRunOptions
            {
                InputPath = input,
                OutputPath = output,
                Parameters = request.Parameters,
                CellTimeout = request.CellTimeout,
                Progress = stdout,
            });
            var failed = result.FailedCells.ToList();
            stdout.WriteLine(result.Failure is not null
                ? $"  FAILED: {result.Failure}"
                : $"  {result.Cells.Count} code cells, {failed.Count} failed, {result.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            foreach (var cell in failed) stderr.WriteLine($"c2l-notebook: {input}: {cell}");
            if (result.Failure is not null) stderr.WriteLine($"c2l-notebook: {input}: {result.Failure}");
            allOk &= result.Succeeded;
        }
        return allOk ? 0 : 1;
    }

    /// <summary>A parsed command line: (input, output) pairs, parameters, the cell timeout, and whether --out sent the outputs elsewhere.</summary>
    public sealed record RunRequest(IReadOnlyList<(string Input, string Output)> Jobs, IReadOnlyDictionary<string, string> Parameters, TimeSpan? CellTimeout,
        bool OutputElsewhere = false);

    /// <summary>Parses <c>run ...</c> arguments; throws <see cref="ArgumentException"/> with the reason on bad usage.</summary>
    public static RunRequest Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "run") throw new ArgumentException($"'{(args.Length == 0 ? "" : args[0])}': no such command; the only command is 'run'.");
        var inputs = new List<string>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        string? output = null;
        bool inPlace = false;
        TimeSpan? timeout = null;
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--out" or "-o": output = Value(); break;
                case "--in-place": inPlace = true; break;
                case "--param" or "-p":
                    var pair = Value();
                    int eq = pair.IndexOf('=');
                    if (eq <= 0) throw new ArgumentException($"--param takes name=value, got '{pair}'.");
                    parameters[pair[..eq].Trim()] = pair[(eq + 1)..];
                    break;
                case "--timeout-per-cell":
                    var text = Value();
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                        throw new ArgumentException($"--timeout-per-cell takes a positive number of seconds, got '{text}'.");
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case var a when a.StartsWith('-'): throw new ArgumentException($"unknown option '{a}'.");
                default: inputs.Add(args[i]); break;
            }
        }
        if (inPlace && output is not null) throw new ArgumentException("--out and --in-place exclude each other.");
        var notebooks = inputs.SelectMany(Expand).ToList();
        if (notebooks.Count == 0)
            throw new ArgumentException(inputs.Count == 0 ? "no notebook given." : $"{string.Join(", ", inputs)}: no notebook there (*.ipynb other than *.out.ipynb).");
        var jobs = notebooks.Select(n => (n, inPlace ? n : OutputFor(n, output, notebooks.Count))).ToList();
        return new RunRequest(jobs, parameters, timeout, output is not null);
    }

    private static IEnumerable<string> Expand(string input)
    {
        if (Directory.Exists(input))
            return Directory.EnumerateFiles(input, "*.ipynb")
                .Where(f => !f.EndsWith(".out.ipynb", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
        if (File.Exists(input)) return [input];
        throw new ArgumentException($"'{input}' is neither a notebook file nor a directory.");
    }

    private static string OutputFor(string notebook, string? output, int count)
    {
        if (output is null) return Path.ChangeExtension(notebook, ".out.ipynb");
        if (count == 1 && !Directory.Exists(output)) return output;
        return Path.Combine(output, Path.GetFileName(notebook));
    }
}
