using System.Text.Json.Serialization;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>A metric over a point's seeds: the mean, the across-seed sample standard deviation (null with one seed) and each seed's value.</summary>
public sealed record SeedSpread(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("sd"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Sd,
    [property: JsonPropertyName("per_seed")] IReadOnlyList<double> PerSeed)
{
    /// <summary>The spread of <paramref name="values"/> (null when there are none), rounded to <paramref name="digits"/>.</summary>
    public static SeedSpread? Of(IReadOnlyList<double> values, int digits)
    {
        if (values.Count == 0) return null;
        var mean = values.Average();
        double? sd = values.Count < 2 ? null : Math.Round(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)), digits);
        return new SeedSpread(Math.Round(mean, digits), sd, values.Select(v => Math.Round(v, digits)).ToList());
    }
}

/// <summary>One row of the sweep table: a point's method on one split, its metrics over seeds, and its paired differences from the
/// default point (this point − default), pooled over the seeds both ran: each seed's tasks are paired with the default point's same
/// seed, and the repository-clustered interval resamples repositories with all their seeds' tasks.</summary>
public sealed record SweepRow(
    [property: JsonPropertyName("point")] string Point, [property: JsonPropertyName("default")] bool IsDefault,
    [property: JsonPropertyName("method")] string Method, [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("seeds")] int Seeds,
    [property: JsonPropertyName("nll")] SeedSpread? Nll, [property: JsonPropertyName("edit_sim")] SeedSpread? EditSim,
    [property: JsonPropertyName("em")] SeedSpread? Em, [property: JsonPropertyName("code_bleu")] SeedSpread? CodeBleu,
    [property: JsonPropertyName("nll_vs_default")] PairedEffect? NllVsDefault,
    [property: JsonPropertyName("edit_sim_vs_default")] PairedEffect? EditSimVsDefault,
    [property: JsonPropertyName("em_vs_default")] PairedEffect? EmVsDefault,
    [property: JsonPropertyName("paired_tasks")] int PairedTasks,
    [property: JsonPropertyName("note")] string? Note);
