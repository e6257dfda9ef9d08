namespace Code2Lora.Notebooks;

/// <summary>Decides which Polyglot kernel a code cell belongs to; the runner executes only C#.</summary>
public static class CellKernel
{
    // Names Polyglot accepts as a kernel-switching first line; any other "#!" line is a magic command (#!time, #!about).
    private static readonly HashSet<string> KernelNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "csharp", "c#", "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md",
        "sql", "kql", "mermaid", "value", "http", "python", "r", "vscode", "webview",
    };

    /// <summary>The kernel of a code cell: a kernel magic on its first line wins, then its metadata, then the notebook default.</summary>
    public static string Of(NotebookCell cell, string defaultKernel)
    {
        var first = cell.Source.Split('\n', 2)[0].Trim();
        if (first.StartsWith("#!", StringComparison.Ordinal))
        {
            var name = first[2..].Split(' ', '\t')[0];
            if (KernelNames.Contains(name)) return Normalise(name);
        }
        return Normalise(cell.MetadataKernel ?? defaultKernel);
    }

    /// <summary>Whether the runner executes cells of this kernel.</summary>
    public static bool IsCSharp(string kernel) => kernel == "csharp";

    private static string Normalise(string name) => name.ToLowerInvariant() switch
    {
        "c#" => "csharp",
        "f#" => "fsharp",
        "powershell" => "pwsh",
        var n => n,
    };
}
