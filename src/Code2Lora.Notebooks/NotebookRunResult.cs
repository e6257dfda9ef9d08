using Microsoft.DotNet.Interactive.Documents;

namespace Code2Lora.Notebooks;

/// <summary>How one notebook run should go.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>The notebook to execute.</summary>
    public required string InputPath { get; init; }
    /// <summary>Where the executed notebook is written (may equal <see cref="InputPath"/> for an in-place run).</summary>
    public required string OutputPath { get; init; }
    /// <summary>Papermill-style overrides of the variables declared in the cell tagged "parameters".</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    /// <summary>Wall-clock limit per cell; null means none.</summary>
    public TimeSpan? CellTimeout { get; init; }
    /// <summary>Where per-cell progress lines go; null is silent.</summary>
    public TextWriter? Progress { get; init; }
}

/// <summary>What happened to one cell.</summary>
public enum CellStatus
{
    /// <summary>Ran without error.</summary>
    Ok,
    /// <summary>The kernel reported a failure (compile error, exception, failed restore); later cells still ran.</summary>
    Error,
    /// <summary>Exceeded the per-cell timeout; the run stopped there.</summary>
    TimedOut,
    /// <summary>Belongs to a kernel c2l-notebook does not host (F#, PowerShell…); left as it was.</summary>
    Skipped,
    /// <summary>Not run because an earlier cell stopped the run.</summary>
    NotRun,
}

/// <summary>The result of one code cell.</summary>
/// <param name="CellIndex">Position of the cell in the output notebook (all cells counted).</param>
/// <param name="CellId">The cell's nbformat id.</param>
/// <param name="Status">What happened.</param>
/// <param name="Elapsed">Wall time spent in the cell.</param>
/// <param name="Outputs">The outputs written into the cell.</param>
/// <param name="Error">The first line of the failure, or null.</param>
public sealed record CellRunResult(int CellIndex, string CellId, CellStatus Status, TimeSpan Elapsed,
    IReadOnlyList<InteractiveDocumentOutputElement> Outputs, string? Error = null);

/// <summary>The result of one notebook run.</summary>
public sealed record NotebookRunResult
{
    /// <summary>The notebook that was read.</summary>
    public required string InputPath { get; init; }
    /// <summary>The notebook that was written, or null when nothing could be run (unreadable notebook, bad parameters).</summary>
    public string? OutputPath { get; init; }
    /// <summary>Results of the code cells, in notebook order.</summary>
    public IReadOnlyList<CellRunResult> Cells { get; init; } = [];
    /// <summary>A problem with the notebook as a whole (unreadable, unknown parameter), or null.</summary>
    public string? Failure { get; init; }
    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>True when the notebook was read and every C# cell ran without error (cells of other kernels are skipped).</summary>
    public bool Succeeded => Failure is null && Cells.All(c => c.Status is CellStatus.Ok or CellStatus.Skipped);

    /// <summary>The cells that failed, each as "cell N (id X): first line of the error", for the exit message.</summary>
    public IEnumerable<string> FailedCells =>
        Cells.Where(c => c.Status is CellStatus.Error or CellStatus.TimedOut).Select(c => $"cell {c.CellIndex + 1} (id {c.CellId}): {c.Error}");
}
