using System.Text.Json.Serialization;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Experiments;

/// <summary>Two methods compared on the same tasks of one split (a − b): target NLL (nats/token; negative means a is better), EditSim
/// and EM (percentage points), each a <see cref="PairedEffect"/> with task-level and repository-clustered intervals and its minimum
/// detectable effect; EM also carries the exact McNemar test. NLL is null when either method has none (trivial baselines).</summary>
public sealed record Comparison(
    [property: JsonPropertyName("a")] string A, [property: JsonPropertyName("b")] string B, [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("nll"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] PairedEffect? Nll,
    [property: JsonPropertyName("edit_sim")] PairedEffect EditSim, [property: JsonPropertyName("em")] PairedEffect Em)
{
    /// <summary>The comparison of <paramref name="a"/>'s and <paramref name="b"/>'s predictions of the same tasks (matched by task index).</summary>
    public static Comparison Of(string a, string b, string split, IReadOnlyList<PredictionRow> ra, IReadOnlyList<PredictionRow> rb, int seed)
    {
        var x = ra.OrderBy(r => r.TaskIndex).ToArray();
        var y = rb.OrderBy(r => r.TaskIndex).ToArray();
        if (!PredictionRow.SameTasks(x, y))
            throw new ArgumentException($"{a} and {b} on {split} were not scored on the same tasks ({x.Length} vs {y.Length}).");
        var repos = x.Select(r => r.RepoId).ToArray();
        var nll = x.All(r => r.TargetNll is not null) && y.All(r => r.TargetNll is not null)
            ? PairedEffect.Continuous(x.Select(r => r.TargetNll!.Value).ToArray(), y.Select(r => r.TargetNll!.Value).ToArray(), repos, seed)
            : null;
        return new Comparison(a, b, split, x.Length, nll,
            PairedEffect.Continuous(x.Select(r => r.EditSimilarity).ToArray(), y.Select(r => r.EditSimilarity).ToArray(), repos, seed),
            PairedEffect.ExactMatch(x.Select(r => r.ExactMatch).ToArray(), y.Select(r => r.ExactMatch).ToArray(), repos, seed));
    }

    /// <summary>Every pair of <paramref name="pairs"/> whose two methods were scored, on each split both were scored on, in pair order.</summary>
    public static List<Comparison> All(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> scored,
        IEnumerable<(string A, string B)> pairs, IReadOnlyList<string> splits, int seed)
    {
        var result = new List<Comparison>();
        foreach (var (a, b) in pairs)
        {
            if (!scored.TryGetValue(a, out var sa) || !scored.TryGetValue(b, out var sb)) continue;
            foreach (var split in splits)
                if (sa.TryGetValue(split, out var ra) && sb.TryGetValue(split, out var rb)) result.Add(Of(a, b, split, ra, rb, seed));
        }
        return result;
    }
}
