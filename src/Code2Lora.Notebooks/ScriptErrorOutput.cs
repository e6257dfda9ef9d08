using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Code2Lora.Notebooks;

/// <summary>Turns compile errors and exceptions of a cell into nbformat "error" outputs.</summary>
internal static class ScriptErrorOutput
{
    /// <summary>Compile errors, each as "(line,col): error CSxxxx: message" with lines counted from the cell's first line.</summary>
    public static JsonObject FromCompilation(CompilationErrorException e)
    {
        var lines = e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).ToList();
        if (lines.Count == 0) lines.Add(e.Message);
        return NbOutput.Error("CompilationError", lines[0], lines);
    }

    /// <summary>An exception thrown by the cell's code.</summary>
    public static JsonObject FromException(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        return NbOutput.Error(inner.GetType().FullName ?? inner.GetType().Name, inner.Message, inner.ToString().Split('\n').Select(l => l.TrimEnd('\r')));
    }

    /// <summary>A diagnostic as the Polyglot kernel prints it.</summary>
    public static string Describe(Diagnostic d)
    {
        var pos = d.Location.GetLineSpan().StartLinePosition;
        return $"({pos.Line + 1},{pos.Character + 1}): error {d.Id}: {d.GetMessage()}";
    }
}
