using Microsoft.DotNet.Interactive.Documents;

namespace Code2Lora.Notebooks;

/// <summary>Decides which Polyglot kernel a code cell belongs to, as VS Code does before it submits the cell.</summary>
public static class CellKernel
{
    // Names Polyglot accepts as a kernel-switching first line; any other "#!" line is a magic command (#!time, #!who).
    private static readonly HashSet<string> KernelNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "csharp", "c#", "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md",
        "sql", "kql", "mermaid", "value", "http", "python", "r", "vscode", "webview",
    };

    /// <summary>The kernel of a code cell: a kernel magic on its first line wins, then its metadata, then the notebook default.</summary>
    public static string Of(InteractiveDocumentElement cell, string defaultKernel)
    {
        var first = cell.Contents.Split('\n', 2)[0].Trim();
        if (first.StartsWith("#!", StringComparison.Ordinal))
        {
            var name = first[2..].Split(' ', '\t')[0];
            if (KernelNames.Contains(name)) return Normalise(name);
        }
        return Normalise(cell.KernelName ?? defaultKernel);
    }

    /// <summary>Whether a document element is a markdown cell (the document model has no cell type, only kernel names).</summary>
    public static bool IsMarkdown(InteractiveDocumentElement cell) => cell.KernelName is "markdown";

    private static string Normalise(string name) => name.ToLowerInvariant() switch
    {
        "c#" => "csharp",
        "f#" => "fsharp",
        "powershell" => "pwsh",
        "md" => "markdown",
        var n => n,
    };
}
