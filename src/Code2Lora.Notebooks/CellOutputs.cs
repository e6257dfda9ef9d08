using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Code2Lora.Notebooks;

/// <summary>Collects the kernel events of one cell into nbformat outputs, in the order a front end shows them.</summary>
/// <remarks>
/// Console text becomes "stream" outputs (consecutive writes to the same stream merge, as Jupyter stores them), displayed
/// values "display_data" (a later <see cref="DisplayedValueUpdated"/> replaces the value it updates), the cell's value
/// "execute_result", and failures "error".  Two adjustments to the bundles the kernel formats, both for readers of the
/// saved file: a bundle that has an image/png drops its text/html, because that HTML is an interactive chart whose
/// scripts only run in a live kernel (GitHub and other static viewers would show a blank box instead of the picture);
/// a plain value (number, string, bool, date…) also gets text/plain, so a diff shows "42", not a styled HTML block.
/// </remarks>
internal sealed class CellOutputs(int executionCount)
{
    private readonly object _gate = new();
    private readonly List<InteractiveDocumentOutputElement> _outputs = [];
    private readonly Dictionary<string, int> _displayed = new(StringComparer.Ordinal);
    private readonly List<CommandFailed> _failures = [];

    private string? _hostFailure;

    /// <summary>The first line of the cell's first failure, or null when it ran clean.</summary>
    public string? FirstError
    {
        get { lock (_gate) return _failures.Count > 0 ? Summary(_failures[0]) : _hostFailure; }
    }

    /// <summary>Records a failure that reached the host as an exception instead of a kernel event.</summary>
    public void MarkFailed(string message)
    {
        lock (_gate) _hostFailure ??= message;
    }

    /// <summary>Takes one kernel event (called from the kernel's threads).</summary>
    public void Add(KernelEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case StandardOutputValueProduced o: AppendStream("stdout", Text(o)); break;
                case StandardErrorValueProduced o: AppendStream("stderr", Text(o)); break;
                case ErrorProduced o: _outputs.Add(new ErrorElement(o.Message, "Error", [])); break;
                case ReturnValueProduced o:
                    var result = new ReturnValueElement { ExecutionOrder = executionCount };
                    foreach (var (mime, value) in Bundle(o)) result.Data[mime] = value;
                    _outputs.Add(result);
                    break;
                case DisplayedValueUpdated o when _displayed.TryGetValue(o.ValueId, out var at):
                    _outputs[at] = new DisplayElement(Bundle(o));
                    break;
                case DisplayEvent o:
                    if (o.ValueId is { } id) _displayed[id] = _outputs.Count;
                    _outputs.Add(new DisplayElement(Bundle(o)));
                    break;
                case CommandFailed o: _failures.Add(o); break;
            }
        }
    }

    /// <summary>The outputs, the failures last (one error output per distinct message).</summary>
    public IReadOnlyList<InteractiveDocumentOutputElement> Outputs()
    {
        lock (_gate)
        {
            var errors = _failures.Select(ErrorOutput).DistinctBy(e => e.ErrorValue);
            return _outputs.Concat(errors).ToList();
        }
    }

    /// <summary>An extra error output (timeouts, skipped cells) written after the others.</summary>
    public void AddError(string name, string message)
    {
        lock (_gate) _outputs.Add(new ErrorElement(message, name, [$"{name}: {message}"]));
    }

    /// <summary>A failure as an nbformat error: compile errors keep the kernel's "(line,col): error CSxxxx" text, lines
    /// counted from the cell's first line; exceptions keep their type, message and stack trace.</summary>
    public static ErrorElement ErrorOutput(CommandFailed failure)
    {
        var e = failure.Exception;
        if (e is null || e.GetType().Name == "CodeSubmissionCompilationErrorException")
        {
            var lines = Lines(failure.Message);
            return new ErrorElement(lines.FirstOrDefault() ?? "the cell failed", e is null ? "Error" : "CompilationError", lines);
        }
        var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        return new ErrorElement(inner.Message, inner.GetType().FullName ?? inner.GetType().Name, Lines(inner.ToString()));
    }

    /// <summary>The first line of a failure, for progress lines and the run summary.</summary>
    public static string Summary(CommandFailed failure)
    {
        var error = ErrorOutput(failure);
        return error.ErrorName is "CompilationError" or "Error" ? error.ErrorValue : $"{error.ErrorName}: {error.ErrorValue}";
    }

    private void AppendStream(string name, string text)
    {
        if (_outputs.Count > 0 && _outputs[^1] is TextElement last && last.Name == name)
            _outputs[^1] = new TextElement(last.Text + text, name);
        else
            _outputs.Add(new TextElement(text, name));
    }

    private static string Text(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? e.Value?.ToString() ?? "";

    private static Dictionary<string, object> Bundle(DisplayEvent e)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var value in e.FormattedValues) data[value.MimeType] = value.Value;
        if (data.ContainsKey("image/png")) data.Remove(HtmlFormatter.MimeType);
        if (!data.ContainsKey(PlainTextFormatter.MimeType) && e.Value is string or bool or IFormattable)
            data[PlainTextFormatter.MimeType] = e.Value.ToDisplayString(PlainTextFormatter.MimeType);
        return data;
    }

    private static string[] Lines(string? text) =>
        (text ?? "").Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0).ToArray();
}
