using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Code2Lora.Notebooks;

/// <summary>Reads and writes .ipynb files through .NET Interactive's own document model (Microsoft.DotNet.Interactive.Documents).</summary>
/// <remarks>
/// The library writes nbformat 4.5 in Jupyter's layout (one-space indent, lines as string arrays).  Two things are
/// added here: the final newline Jupyter and VS Code write, and cell ids where a cell has none, since nbformat 4.5
/// requires them (nbformat's validator warns today and will reject later).  The library reads only what it models:
/// cell attachments and raw cells are not kept (docs/notebooks.md).
/// </remarks>
public static class NotebookFile
{
    /// <summary>Reads a notebook; throws <see cref="InvalidDataException"/> naming the file when it is not an nbformat 4 notebook.</summary>
    public static InteractiveDocument Read(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        try
        {
            using var json = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path} is not a notebook: the top-level JSON value is not an object.");
            if (!root.TryGetProperty("nbformat", out var major) || major.ValueKind != JsonValueKind.Number || major.GetInt32() != 4)
                throw new InvalidDataException($"{path} is not an nbformat 4 notebook (c2l-notebook reads only nbformat 4; open and save it in Jupyter or VS Code to convert it).");
            if (!root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path} has no \"cells\" array.");
            return Notebook.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid notebook JSON: {e.Message}", e);
        }
    }

    /// <summary>Writes the notebook atomically (a killed run never leaves half a file), with cell ids and a final newline.</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        EnsureCellIds(document);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, document.ToJupyterJson() + "\n", new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Gives every cell without an id one (nbformat 4.5: 1–64 characters of [a-zA-Z0-9-_], unique in the notebook).</summary>
    /// <remarks>The id is a hash of the cell's position and text, so two runs of the same file agree without saving first.</remarks>
    public static void EnsureCellIds(InteractiveDocument document)
    {
        var taken = document.Elements.Select(e => e.Id).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < document.Elements.Count; i++)
        {
            var cell = document.Elements[i];
            if (!string.IsNullOrEmpty(cell.Id)) continue;
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{i}\n{cell.Contents}")));
            var id = hash[..8];
            for (int n = 8; !taken.Add(id); n++) id = hash[..Math.Min(n + 1, hash.Length)];
            cell.Id = id;
        }
    }
}
