using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Notebooks;

/// <summary>An .ipynb file held as a JSON tree, so that everything the runner does not touch is written back unchanged.</summary>
/// <remarks>
/// Key order, number spelling and unknown metadata survive because the tree is never mapped to typed classes.
/// The writer matches Jupyter's own layout (sorted-key outputs, the file's indent width, raw non-ASCII, a final
/// newline when the input had one), so a re-run only changes outputs and execution counts in a diff.
/// </remarks>
public sealed class NotebookDocument
{
    private readonly JsonObject _root;
    private readonly int _indent;
    private readonly bool _finalNewline;

    private NotebookDocument(JsonObject root, int indent, bool finalNewline)
    {
        _root = root;
        _indent = indent;
        _finalNewline = finalNewline;
    }

    /// <summary>Parses notebook text; throws <see cref="InvalidDataException"/> with a readable reason when it is not nbformat 4.</summary>
    public static NotebookDocument Parse(string text, string nameForErrors)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new InvalidDataException($"{nameForErrors} is not valid JSON: {e.Message}", e); }
        if (node is not JsonObject root)
            throw new InvalidDataException($"{nameForErrors} is not a notebook: the top-level JSON value is not an object.");
        if (root["nbformat"]?.GetValueKind() != JsonValueKind.Number || root["nbformat"]!.GetValue<int>() != 4)
            throw new InvalidDataException($"{nameForErrors} is not an nbformat 4 notebook (the runner reads only nbformat 4).");
        if (root["cells"] is not JsonArray)
            throw new InvalidDataException($"{nameForErrors} has no \"cells\" array.");
        return new NotebookDocument(root, DetectIndent(text), text.EndsWith('\n'));
    }

    /// <summary>Reads a notebook file (UTF-8).</summary>
    public static NotebookDocument Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>The cells, in order, as live views over the JSON tree.</summary>
    public IReadOnlyList<NotebookCell> Cells =>
        ((JsonArray)_root["cells"]!).OfType<JsonObject>().Select(c => new NotebookCell(c)).ToList();

    /// <summary>The kernel a code cell runs in when neither its metadata nor a magic line says otherwise.</summary>
    public string DefaultKernel =>
        _root["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? "csharp";

    /// <summary>Whether cells carry nbformat 4.5 ids (then new cells need one too).</summary>
    public bool UsesCellIds =>
        (_root["nbformat_minor"]?.GetValue<int>() ?? 0) >= 5 || Cells.Any(c => c.Json["id"] is not null);

    /// <summary>Removes the cell at <paramref name="index"/>.</summary>
    public void RemoveCellAt(int index) => ((JsonArray)_root["cells"]!).RemoveAt(index);

    /// <summary>Inserts a cell object at <paramref name="index"/>.</summary>
    public void InsertCell(int index, JsonObject cell) => ((JsonArray)_root["cells"]!).Insert(index, cell);

    /// <summary>Serialises the notebook in the layout it was read with.</summary>
    public string ToJson()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = _indent,
            // Jupyter writes HTML and non-ASCII text raw; the default encoder would turn '<' into \u003C.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        var json = _root.ToJsonString(options);
        return _finalNewline ? json + "\n" : json;
    }

    /// <summary>Writes the notebook atomically (a killed run never leaves half a file).</summary>
    public void Save(string path) => Code2Lora.Runtime.AtomicFile.WriteText(path, ToJson());

    private static int DetectIndent(string text)
    {
        // The first indented line gives the file's indent unit; Jupyter and VS Code both default to 1.
        foreach (var line in text.Split('\n').Skip(1))
        {
            int n = 0;
            while (n < line.Length && line[n] == ' ') n++;
            if (n > 0) return Math.Min(n, 8);
        }
        return 1;
    }
}
