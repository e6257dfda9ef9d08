using System.Diagnostics;
using System.Globalization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;

namespace Code2Lora.Notebooks;

/// <summary>Executes a notebook's code cells on .NET Interactive's C# kernel, one <see cref="SubmitCode"/> per cell as VS Code
/// sends them, and writes the outputs back into the notebook.</summary>
/// <remarks>
/// Each notebook gets a fresh kernel, and the process's working directory is the notebook's folder while it runs (VS Code
/// starts its kernel there), so relative paths in <c>#r</c>, <c>#load</c> and the cells' own code mean the same in both.
/// Cells run in order; a failing cell is recorded and the next one runs, as "Run All" would.  A cell that outlives the
/// timeout is cancelled and the run stops there: the kernel's C# scripts cannot be interrupted from outside, so its work
/// may go on in the background until the process exits.
/// </remarks>
public sealed class NotebookRunner
{
    // The working directory is process-wide: one notebook at a time per process.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Runs one notebook and writes the executed copy to <see cref="NotebookRunOptions.OutputPath"/>.</summary>
    public async Task<NotebookRunResult> RunAsync(NotebookRunOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        InteractiveDocument notebook;
        try
        {
            notebook = NotebookFile.Read(options.InputPath);
            NotebookParameters.RemoveInjected(notebook);
            if (NotebookParameters.Inject(notebook, options.Parameters) is { } note) options.Progress?.WriteLine($"  note: {note}");
            NotebookFile.EnsureCellIds(notebook);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            options.Progress?.WriteLine($"{options.InputPath}: {e.Message}");
            return new NotebookRunResult { InputPath = options.InputPath, Failure = e.Message, Elapsed = clock.Elapsed };
        }

        // Paths are resolved before the working directory moves to the notebook's folder.
        var output = Path.GetFullPath(options.OutputPath);
        await OneAtATime.WaitAsync(cancellationToken);
        var previousDirectory = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Path.GetDirectoryName(Path.GetFullPath(options.InputPath))!;
            using var kernel = NotebookKernel.Create();
            var cells = await RunCellsAsync(kernel, notebook, options, cancellationToken);
            NotebookFile.Write(notebook, output);
            return new NotebookRunResult { InputPath = options.InputPath, OutputPath = options.OutputPath, Cells = cells, Elapsed = clock.Elapsed };
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            OneAtATime.Release();
        }
    }

    private static async Task<List<CellRunResult>> RunCellsAsync(CompositeKernel kernel, InteractiveDocument notebook, NotebookRunOptions options, CancellationToken cancellationToken)
    {
        var defaultKernel = notebook.GetDefaultKernelName() ?? NotebookKernel.CSharp;
        var code = notebook.Elements.Select((cell, index) => (cell, index)).Where(c => !CellKernel.IsMarkdown(c.cell)).ToList();
        var results = new List<CellRunResult>();
        int executionCount = 0;
        bool stopped = false;
        foreach (var (cell, index) in code)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kernelName = CellKernel.Of(cell, defaultKernel);
            CellRunResult result;
            if (stopped)
                result = new CellRunResult(index, cell.Id!, CellStatus.NotRun, TimeSpan.Zero, cell.Outputs.ToList());
            else if (kernel.FindKernelByName(kernelName) is null)
                result = new CellRunResult(index, cell.Id!, CellStatus.Skipped, TimeSpan.Zero, cell.Outputs.ToList(),
                    $"c2l-notebook hosts only the C# kernel; this cell is for '{kernelName}' and was left as it was");
            else
                result = await RunCellAsync(kernel, cell, index, kernelName, ++executionCount, options.CellTimeout);
            if (result.Status is not CellStatus.NotRun)
                options.Progress?.WriteLine(
                    $"  [{results.Count + 1}/{code.Count}] cell {index + 1,-3} {result.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),7} s  " +
                    StatusWord(result.Status) + (result.Error is null ? "" : $": {result.Error}"));
            results.Add(result);
            stopped |= result.Status is CellStatus.TimedOut;
        }
        return results;
    }

    private static async Task<CellRunResult> RunCellAsync(CompositeKernel kernel, InteractiveDocumentElement cell, int index, string kernelName, int executionCount, TimeSpan? timeout)
    {
        var clock = Stopwatch.StartNew();
        var outputs = new CellOutputs(executionCount);
        CellStatus status;
        string? error = null;
        using (kernel.KernelEvents.Subscribe(outputs.Add))
        {
            var submission = Submit(kernel, cell.Contents, kernelName, outputs);
            if (timeout is { } limit && await Task.WhenAny(submission, Task.Delay(limit)) != submission)
            {
                // Cancel is handled out of band by the kernel; the script itself may not notice it.
                await Task.WhenAny(kernel.SendAsync(new Cancel()), Task.Delay(TimeSpan.FromSeconds(5)));
                error = $"cell {index + 1} ran longer than the limit of {limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; the run stops here";
                outputs.AddError("CellTimeout", error);
                status = CellStatus.TimedOut;
            }
            else
            {
                await submission;
                error = outputs.FirstError;
                status = error is null ? CellStatus.Ok : CellStatus.Error;
            }
        }
        var written = outputs.Outputs();
        cell.Outputs.Clear();
        cell.Outputs.AddRange(written);
        cell.ExecutionOrder = executionCount;
        return new CellRunResult(index, cell.Id!, status, clock.Elapsed, written, error);
    }

    // The kernel reports failures as CommandFailed events, but its submission parser can also throw (e.g. on some
    // combinations of kernel-selector sections); such a throw is this cell's error, not the end of the run.
    private static async Task Submit(CompositeKernel kernel, string code, string kernelName, CellOutputs outputs)
    {
        try { await kernel.SendAsync(new SubmitCode(code, kernelName)); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or FormatException)
        {
            outputs.AddError(e.GetType().FullName ?? e.GetType().Name, $"the kernel could not take this cell: {e.Message}");
            outputs.MarkFailed($"the kernel could not take this cell: {e.Message}");
        }
    }

    private static string StatusWord(CellStatus status) => status switch
    {
        CellStatus.Ok => "ok",
        CellStatus.Error => "ERROR",
        CellStatus.TimedOut => "TIMED OUT",
        CellStatus.Skipped => "skipped",
        _ => "not run",
    };
}
