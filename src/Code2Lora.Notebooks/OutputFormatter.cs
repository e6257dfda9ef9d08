using System.Collections;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using TorchSharp;

namespace Code2Lora.Notebooks;

/// <summary>Turns a displayed value into an nbformat MIME bundle, as the Polyglot kernel would show it.</summary>
/// <remarks>One instance per notebook run: it remembers whether plotly.js has been embedded yet.</remarks>
public sealed class OutputFormatter
{
    private readonly PlotlyHtml _plotly = new();

    /// <summary>How many rows of a table are written before it is cut (the text says how many were left out).</summary>
    public int MaxTableRows { get; init; } = 50;

    /// <summary>Formats one value: charts and tables as text/html (+ text/plain), tensors and everything else as text/plain.</summary>
    public IReadOnlyDictionary<string, string> Format(object? value)
    {
        switch (value)
        {
            case null:
                return Plain("null");
            case string s:
                return Plain(s);
            case GenericChart chart:
                return new Dictionary<string, string> { ["text/html"] = _plotly.ToHtml(chart), ["text/plain"] = "Plotly chart" };
            case DataFrame frame:
                return new Dictionary<string, string>
                {
                    ["text/html"] = DataFrameTable.ToHtml(frame, MaxTableRows),
                    ["text/plain"] = DataFrameTable.ToText(frame, MaxTableRows),
                };
            case torch.Tensor tensor:
                return Plain(TensorText(tensor));
            case IEnumerable sequence when RecordTable.RecordTypeOf(value) is { } element:
                return new Dictionary<string, string>
                {
                    ["text/html"] = RecordTable.ToHtml(sequence, element, MaxTableRows),
                    ["text/plain"] = RecordTable.ToText(sequence, element, MaxTableRows),
                };
            case IEnumerable or IFormattable or bool:
                return Plain(value.ToDisplayString("text/plain"));
            default:
                return Plain(value.ToString() ?? value.GetType().FullName ?? "");
        }
    }

    private static Dictionary<string, string> Plain(string text) => new() { ["text/plain"] = text };

    private static string TensorText(torch.Tensor tensor)
    {
        if (tensor.IsInvalid) return "tensor (disposed)";
        var head = $"{tensor.dtype} [{string.Join(", ", tensor.shape)}] on {tensor.device}";
        return head + "\n" + tensor.ToString(TensorStringStyle.Numpy);
    }

}
