using System.Text;
using System.Text.Json.Nodes;

namespace Code2Lora.Notebooks;

/// <summary>Collects what one running cell prints and displays, in the order it happened.</summary>
/// <remarks>
/// The sink is found through an <see cref="AsyncLocal{T}"/>, not a static: Console is process-wide, and several
/// notebooks may run at once in one process (the test host), so <see cref="ConsoleRouter"/> sends each write to the
/// sink of the cell whose execution context made it, and everything else to the real console.
/// </remarks>
public sealed class CellOutputCapture
{
    private static readonly AsyncLocal<CellOutputCapture?> CurrentCapture = new();
    private readonly List<JsonObject> _outputs = [];
    private readonly StringBuilder _pending = new();
    private string? _pendingStream;
    private readonly object _gate = new();

    internal CellOutputCapture(OutputFormatter formatter) => Formatter = formatter;

    /// <summary>The capture of the cell running in this execution context, or null outside a cell.</summary>
    public static CellOutputCapture? Current => CurrentCapture.Value;

    /// <summary>Formats values for this notebook (it remembers whether plotly.js was already embedded).</summary>
    internal OutputFormatter Formatter { get; }

    /// <summary>Makes this capture current for the calling execution context and everything it starts.</summary>
    internal void Enter() => CurrentCapture.Value = this;

    /// <summary>Clears the current capture of the calling execution context.</summary>
    internal static void Leave() => CurrentCapture.Value = null;

    /// <summary>Appends console text to the "stdout" or "stderr" stream, merging consecutive writes.</summary>
    public void Write(string stream, string text)
    {
        lock (_gate)
        {
            if (_pendingStream != stream) FlushStream();
            _pendingStream = stream;
            _pending.Append(text);
        }
    }

    /// <summary>Adds a formatted value as a display_data output.</summary>
    public void Display(object? value)
    {
        var bundle = Formatter.Format(value);
        lock (_gate)
        {
            FlushStream();
            _outputs.Add(NbOutput.Display(bundle));
        }
    }

    /// <summary>Adds an already-built output (results and errors).</summary>
    internal void Add(JsonObject output)
    {
        lock (_gate)
        {
            FlushStream();
            _outputs.Add(output);
        }
    }

    /// <summary>All outputs so far, the pending console text included.</summary>
    internal IReadOnlyList<JsonObject> Outputs()
    {
        lock (_gate)
        {
            FlushStream();
            return _outputs.ToList();
        }
    }

    private void FlushStream()
    {
        if (_pendingStream is null || _pending.Length == 0) return;
        _outputs.Add(NbOutput.Stream(_pendingStream, _pending.ToString()));
        _pending.Clear();
        _pendingStream = null;
    }
}
