using System.Globalization;
using System.Text.Json.Serialization;
using Code2Lora.Evaluation;

namespace Code2Lora.Experiments;

/// <summary>Exact match (%) with its exact (Clopper–Pearson) 95 % CI on the tasks of one kind; by task kind also the mean target NLL and
/// EditSim with their 95 % bootstrap CIs (null where a method has no NLL, and in summaries and drift deciles written without them).</summary>
public sealed record KindScore([property: JsonPropertyName("em")] double Em, [property: JsonPropertyName("em_ci")] double[] EmCi, [property: JsonPropertyName("n")] int N)
{
    /// <summary>Mean target NLL (nats/token) of the tasks of this kind.</summary>
    [JsonPropertyName("nll"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Nll { get; init; }

    /// <summary>95 % bootstrap CI of <see cref="Nll"/>.</summary>
    [JsonPropertyName("nll_ci"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double[]? NllCi { get; init; }

    /// <summary>Mean EditSim of the tasks of this kind.</summary>
    [JsonPropertyName("edit_sim"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? EditSim { get; init; }

    /// <summary>95 % bootstrap CI of <see cref="EditSim"/>.</summary>
    [JsonPropertyName("edit_sim_ci"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double[]? EditSimCi { get; init; }

    /// <summary>The scores of <paramref name="rows"/> (the tasks of one kind on one split).</summary>
    public static KindScore Of(string split, IReadOnlyList<PredictionRow> rows, int seed)
    {
        var s = SplitScore.Of(split, rows, seed);
        return new KindScore(Math.Round(s.ExactMatch.Mean, 2), [Math.Round(s.ExactMatch.Low, 2), Math.Round(s.ExactMatch.High, 2)], s.ExactMatch.N)
        {
            Nll = s.TargetNll is { } nll ? Math.Round(nll.Mean, 4) : null,
            NllCi = s.TargetNll is { } ci ? [Math.Round(ci.Low, 4), Math.Round(ci.High, 4)] : null,
            EditSim = Math.Round(s.EditSimilarity.Mean, 4),
            EditSimCi = [Math.Round(s.EditSimilarity.Low, 4), Math.Round(s.EditSimilarity.High, 4)],
        };
    }

    /// <summary>"NLL · EditSim · EM (n)" for a table cell, "—" for a metric a method lacks.</summary>
    public string Cell() => string.Create(CultureInfo.InvariantCulture,
        $"{(Nll is { } n ? n.ToString("F3", CultureInfo.InvariantCulture) : "—")} · {(EditSim is { } e ? e.ToString("F3", CultureInfo.InvariantCulture) : "—")} · {Em:F1} (n={N})");
}
