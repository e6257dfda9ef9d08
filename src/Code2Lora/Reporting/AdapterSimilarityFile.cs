using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Code2Lora.Hyper;
using Code2Lora.Runtime;

namespace Code2Lora.Reporting;

/// <summary>results/static/&lt;preset&gt;/adapter-similarity.json: the pairwise cosine matrices behind the heatmaps and the
/// t-SNE, with each repository's split, so the figures can be redrawn from committed results.</summary>
public static class AdapterSimilarityFile
{
    /// <summary>The file name inside a static results folder.</summary>
    public const string FileName = "adapter-similarity.json";

    /// <summary>Writes the matrices and splits.</summary>
    public static void Write(string resultsDir, AdapterSimilarity s, IReadOnlyDictionary<string, string> splitOf)
    {
        JsonArray Matrix(double[,] m) => new(Enumerable.Range(0, m.GetLength(0))
            .Select(i => (JsonNode?)new JsonArray(Enumerable.Range(0, m.GetLength(1)).Select(j => (JsonNode?)Math.Round(m[i, j], 5)).ToArray())).ToArray());
        var json = new JsonObject
        {
            ["repos"] = new JsonArray(s.Repos.Select(r => (JsonNode?)r).ToArray()),
            ["splits"] = new JsonArray(s.Repos.Select(r => (JsonNode?)(splitOf.TryGetValue(r, out var sp) ? sp : "")).ToArray()),
            ["raw"] = Matrix(s.Raw),
            ["centred"] = Matrix(s.Centred),
        };
        AtomicFile.WriteText(Path.Combine(resultsDir, FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
    }

    /// <summary>Reads the matrices and splits of a static results folder, or null when it has neither the file nor the
    /// heatmap figures of runs that predate it (from whose embedded figure data the matrices are recovered).</summary>
    public static (AdapterSimilarity Similarity, IReadOnlyDictionary<string, string> SplitOf)? Read(string resultsDir)
    {
        var path = Path.Combine(resultsDir, FileName);
        if (File.Exists(path))
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            var repos = json["repos"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            var splits = json["splits"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            return (new AdapterSimilarity(repos, Matrix(json["raw"]!.AsArray()), Matrix(json["centred"]!.AsArray())),
                repos.Zip(splits).ToDictionary(p => p.First, p => p.Second));
        }
        var raw = FromHeatmapPage(Path.Combine(resultsDir, "adapter-cosine.html"));
        var centred = FromHeatmapPage(Path.Combine(resultsDir, "adapter-cosine-centred.html"));
        if (raw is null || centred is null) return null;
        return (new AdapterSimilarity(raw.Value.Labels, raw.Value.Z, centred.Value.Z), new Dictionary<string, string>());
    }

    private static double[,] Matrix(JsonArray rows)
    {
        var m = new double[rows.Count, rows.Count];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows.Count; j++) m[i, j] = rows[i]![j]!.GetValue<double>();
        return m;
    }

    // Heatmap pages written by StaticFigures.Similarity carry the matrix as plotly.js data, rows reversed so that the
    // diagonal runs from the top left; labels are the repositories' last path segment.
    private static (List<string> Labels, double[,] Z)? FromHeatmapPage(string page)
    {
        if (!File.Exists(page)) return null;
        var html = File.ReadAllText(page);
        var z = Regex.Match(html, "\"z\":(\\[\\[.*?\\]\\])", RegexOptions.Singleline);
        var x = Regex.Match(html, "\"x\":(\\[[^\\]]*\\])", RegexOptions.Singleline);
        if (!z.Success || !x.Success) return null;
        var labels = JsonNode.Parse(x.Groups[1].Value)!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        var rows = JsonNode.Parse(z.Groups[1].Value)!.AsArray().Reverse().ToList();
        var m = new double[labels.Count, labels.Count];
        for (int i = 0; i < labels.Count; i++)
            for (int j = 0; j < labels.Count; j++) m[i, j] = rows[i]![j]!.GetValue<double>();
        return (labels, m);
    }
}
