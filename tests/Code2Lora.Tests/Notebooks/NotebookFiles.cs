using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Tests.Notebooks;

/// <summary>Writes small Polyglot notebooks into a temp folder for the runner tests, and deletes the folder afterwards.</summary>
internal sealed class NotebookFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("c2l-nb-").FullName;

    /// <summary>A C# code cell with Polyglot metadata (optionally another kernel, tags or an id).</summary>
    public static JsonObject Code(string source, string kernel = "csharp", string[]? tags = null, string? id = null)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = kernel },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = kernel },
        };
        if (tags is not null) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        var cell = new JsonObject { ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = metadata, ["outputs"] = new JsonArray(), ["source"] = source };
        if (id is not null) cell["id"] = id;
        return cell;
    }

    /// <summary>A markdown cell.</summary>
    public static JsonObject Markdown(string source, string? id = null)
    {
        var cell = new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = source };
        if (id is not null) cell["id"] = id;
        return cell;
    }

    /// <summary>Writes a notebook with the metadata VS Code Polyglot writes; returns its path.</summary>
    public string Write(string name, params JsonObject[] cells)
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(cells.Cast<JsonNode?>().ToArray()),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = "csharp",
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                    },
                },
                ["custom_field"] = new JsonObject { ["kept"] = "yes" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 1 }) + "\n");
        return path;
    }

    /// <summary>Reads a written notebook's cells.</summary>
    public static JsonArray Cells(string path) => (JsonArray)JsonNode.Parse(File.ReadAllText(path))!["cells"]!;

    /// <summary>The concatenated text of a MIME entry or a stream output.</summary>
    public static string Text(JsonNode? lines) => lines switch
    {
        JsonArray a => string.Concat(a.Select(l => l!.GetValue<string>())),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { /* a file still open on a slow machine: the temp folder is cleaned by the OS */ }
    }
}
