using System.Text.Json.Nodes;

namespace Code2Lora.Notebooks;

/// <summary>Builds nbformat 4 output objects, keys in Jupyter's sorted order and text as lists of lines.</summary>
public static class NbOutput
{
    /// <summary>A "stream" output (stdout or stderr).</summary>
    public static JsonObject Stream(string name, string text) => new()
    {
        ["name"] = name,
        ["output_type"] = "stream",
        ["text"] = Lines(text),
    };

    /// <summary>A "display_data" output from a MIME bundle.</summary>
    public static JsonObject Display(IReadOnlyDictionary<string, string> bundle) => new()
    {
        ["data"] = Data(bundle),
        ["metadata"] = new JsonObject(),
        ["output_type"] = "display_data",
    };

    /// <summary>An "execute_result" output: the value of the cell's last expression.</summary>
    public static JsonObject ExecuteResult(IReadOnlyDictionary<string, string> bundle, int executionCount) => new()
    {
        ["data"] = Data(bundle),
        ["execution_count"] = executionCount,
        ["metadata"] = new JsonObject(),
        ["output_type"] = "execute_result",
    };

    /// <summary>An "error" output.</summary>
    public static JsonObject Error(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
    };

    /// <summary>Splits text the way Jupyter stores multi-line strings: one entry per line, each keeping its '\n'.</summary>
    public static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            array.Add(text[start..end]);
            start = end;
        }
        return array;
    }

    private static JsonObject Data(IReadOnlyDictionary<string, string> bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, text) in bundle.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            data[mime] = Lines(text);
        return data;
    }
}
