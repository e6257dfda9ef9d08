using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Code2Lora.Notebooks;

/// <summary>Executes the C# cells of a Polyglot notebook in one Roslyn script state and writes the outputs back.</summary>
/// <remarks>
/// Cells run in order: the first with <see cref="Script.RunAsync(object, Func{Exception, bool}, CancellationToken)"/>,
/// the rest with <see cref="ScriptState.ContinueWithAsync(string, ScriptOptions, Func{Exception, bool}, CancellationToken)"/>,
/// so variables, types and <c>using</c>s carry across cells as in the real kernel.  A cell that fails to compile
/// leaves the state as it was; one that throws keeps what it declared before throwing; later cells run either way.
/// </remarks>
public sealed class NotebookRunner
{
    // Namespaces the Polyglot C# kernel imports for every cell, plus the display() extension.
    private static readonly string[] DefaultImports =
        ["System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks", typeof(DisplayExtensions).FullName!];

    // Metadata references are cached for the process: Roslyn reuses the loaded metadata of the same reference object.
    private static readonly ConcurrentDictionary<string, MetadataReference> ReferenceCache = new(StringComparer.Ordinal);
    private static readonly Lazy<IReadOnlyList<MetadataReference>> FrameworkReferences = new(LoadFrameworkReferences);

    private readonly ShippedPackages _packages;
    private readonly CellPreprocessor _preprocessor;

    /// <summary>A runner that offers the packages of the current process to notebooks.</summary>
    public NotebookRunner() : this(ShippedPackages.ForCurrentProcess()) { }

    /// <summary>A runner over an explicit package catalogue.</summary>
    public NotebookRunner(ShippedPackages packages)
    {
        _packages = packages;
        _preprocessor = new CellPreprocessor(packages);
        ConsoleRouter.Install();
    }

    /// <summary>Runs one notebook and writes the executed copy to <see cref="NotebookRunOptions.OutputPath"/>.</summary>
    public async Task<NotebookRunResult> RunAsync(NotebookRunOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        NotebookDocument notebook;
        try
        {
            notebook = NotebookDocument.Load(options.InputPath);
            NotebookParameters.RemoveInjected(notebook);
            NotebookParameters.Inject(notebook, options.Parameters);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            options.Progress?.WriteLine($"{options.InputPath}: {e.Message}");
            return new NotebookRunResult { InputPath = options.InputPath, Failure = e.Message, Elapsed = clock.Elapsed };
        }

        var cells = notebook.Cells;
        var toRun = Enumerable.Range(0, cells.Count)
            .Where(i => cells[i].CellType == "code" && CellKernel.IsCSharp(CellKernel.Of(cells[i], notebook.DefaultKernel)))
            .ToList();
        foreach (var i in toRun) cells[i].SetResults(null, []);

        var session = new Session(options, new OutputFormatter());
        var results = new List<CellRunResult>();
        bool stopped = false;
        foreach (var (i, n) in toRun.Select((i, n) => (i, n)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stopped)
            {
                results.Add(new CellRunResult(i, CellStatus.NotRun, TimeSpan.Zero, []));
                continue;
            }
            var result = await RunCellAsync(session, cells[i], i, n + 1);
            options.Progress?.WriteLine(
                $"  [{n + 1}/{toRun.Count}] cell {i + 1,-3} {result.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),7} s  {StatusWord(result.Status)}");
            results.Add(result);
            stopped = result.Status is CellStatus.TimedOut or CellStatus.Refused;
        }

        notebook.Save(options.OutputPath);
        return new NotebookRunResult { InputPath = options.InputPath, OutputPath = options.OutputPath, Cells = results, Elapsed = clock.Elapsed };
    }

    private async Task<CellRunResult> RunCellAsync(Session session, NotebookCell cell, int cellIndex, int executionCount)
    {
        var clock = Stopwatch.StartNew();
        var capture = new CellOutputCapture(session.Formatter);
        var prepared = _preprocessor.Prepare(cell.Source);
        if (prepared.Error is not null)
        {
            var refused = NbOutput.Error("UnsupportedPackage", prepared.Error, [prepared.Error]);
            cell.SetResults(executionCount, [refused]);
            return new CellRunResult(cellIndex, CellStatus.Refused, clock.Elapsed, [refused]);
        }
        session.References.AddRange(prepared.References.Where(r => !session.References.Contains(r)));
        var scriptOptions = session.ScriptOptions(cellIndex);

        using var cancel = new CancellationTokenSource();
        var execution = Task.Run(async () =>
        {
            // Set inside the task so the capture flows to everything the cell starts, and nowhere else.
            capture.Enter();
            try { return await Execute(session, prepared.Code, scriptOptions, capture, executionCount, cancel.Token); }
            finally { CellOutputCapture.Leave(); }
        });
        CellStatus status;
        if (session.Options.CellTimeout is { } limit && await Task.WhenAny(execution, Task.Delay(limit)) != execution)
        {
            cancel.Cancel();
            capture.Add(NbOutput.Error("CellTimeout",
                $"cell {cellIndex + 1} ran longer than the limit of {limit.TotalSeconds:0.###} s; the run stops here",
                [$"CellTimeout: cell {cellIndex + 1} exceeded --timeout-per-cell {limit.TotalSeconds:0.###} s"]));
            status = CellStatus.TimedOut;
        }
        else
        {
            status = await execution;
        }
        var outputs = capture.Outputs();
        cell.SetResults(executionCount, outputs);
        return new CellRunResult(cellIndex, status, clock.Elapsed, outputs);
    }

    private static async Task<CellStatus> Execute(Session session, string code, ScriptOptions options, CellOutputCapture capture, int executionCount, CancellationToken token)
    {
        try
        {
            var state = session.State is null
                ? await CSharpScript.Create(code, options, typeof(NotebookGlobals)).RunAsync(session.Globals, _ => true, token)
                : await session.State.ContinueWithAsync(code, options, _ => true, token);
            session.State = state;
            if (state.Exception is not null)
            {
                capture.Add(ScriptErrorOutput.FromException(state.Exception));
                return CellStatus.Error;
            }
            if (state.ReturnValue is not null)
                capture.Add(NbOutput.ExecuteResult(capture.Formatter.Format(state.ReturnValue), executionCount));
            return CellStatus.Ok;
        }
        catch (CompilationErrorException e)
        {
            capture.Add(ScriptErrorOutput.FromCompilation(e));
            return CellStatus.Error;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Failures outside the user's code: a display formatter or a reference that would not load.
            capture.Add(ScriptErrorOutput.FromException(e));
            return CellStatus.Error;
        }
    }

    private static string StatusWord(CellStatus status) => status switch
    {
        CellStatus.Ok => "ok",
        CellStatus.Error => "ERROR",
        CellStatus.TimedOut => "TIMED OUT",
        CellStatus.Refused => "REFUSED",
        _ => "not run",
    };

    private static IReadOnlyList<MetadataReference> LoadFrameworkReferences()
    {
        var runtimeDir = Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);
        return (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(Path.GetFullPath(p)), runtimeDir, StringComparison.Ordinal))
            .Select(Reference)
            .Append(Reference(typeof(NotebookGlobals).Assembly.Location))
            .ToList();
    }

    private static MetadataReference Reference(string path) => ReferenceCache.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));

    /// <summary>The state of one notebook run: script state, globals, references added so far.</summary>
    private sealed class Session(NotebookRunOptions options, OutputFormatter formatter)
    {
        public NotebookRunOptions Options { get; } = options;
        public OutputFormatter Formatter { get; } = formatter;
        public NotebookGlobals Globals { get; } = new();
        public ScriptState<object>? State { get; set; }
        public List<string> References { get; } = [];

        private readonly string _notebookDir = Path.GetDirectoryName(Path.GetFullPath(options.InputPath))!;

        /// <summary>Options for one cell: a cell-named file path (for stack traces) and a resolver rooted at the notebook's folder.</summary>
        public ScriptOptions ScriptOptions(int cellIndex) =>
            Microsoft.CodeAnalysis.Scripting.ScriptOptions.Default
                .WithReferences(FrameworkReferences.Value.Concat(References.Select(Reference)))
                .WithImports(DefaultImports)
                .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(_notebookDir).WithSearchPaths(AppContext.BaseDirectory))
                .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(_notebookDir))
                .WithFilePath($"{Path.GetFileName(Options.InputPath)} cell {cellIndex + 1}")
                .WithEmitDebugInformation(true)
                .WithFileEncoding(System.Text.Encoding.UTF8)
                .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)
                .WithAllowUnsafe(true);
    }
}
