using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Notebooks;

/// <summary>A live view of one cell of a <see cref="NotebookDocument"/>; edits go straight into the JSON tree.</summary>
public sealed class NotebookCell
{
    internal NotebookCell(JsonObject json) => Json = json;

    /// <summary>The cell's JSON object.</summary>
    public JsonObject Json { get; }

    /// <summary>"code", "markdown" or "raw".</summary>
    public string CellType => Json["cell_type"]?.GetValue<string>() ?? "";

    /// <summary>The cell's source joined into one string (nbformat allows a string or a list of lines).</summary>
    public string Source => Json["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => "",
    };

    /// <summary>The cell's metadata tags (papermill keeps "parameters" / "injected-parameters" here).</summary>
    public IReadOnlyList<string> Tags =>
        Json["metadata"]?["tags"] is JsonArray tags
            ? tags.Select(t => t?.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : "").ToList()
            : [];

    /// <summary>The kernel named by the cell's Polyglot metadata, if any.</summary>
    public string? MetadataKernel =>
        Json["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
        ?? Json["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>();

    /// <summary>Replaces outputs and execution count (null count = not executed).</summary>
    public void SetResults(int? executionCount, IEnumerable<JsonObject> outputs)
    {
        Json["execution_count"] = executionCount is int n ? JsonValue.Create(n) : null;
        Json["outputs"] = new JsonArray(outputs.Cast<JsonNode?>().ToArray());
    }

    /// <summary>The outputs currently stored in the cell.</summary>
    public IReadOnlyList<JsonObject> Outputs => Json["outputs"] is JsonArray a ? a.OfType<JsonObject>().ToList() : [];
}
