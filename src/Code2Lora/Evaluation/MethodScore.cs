using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Evaluation;

/// <summary>One method's scores on one split: EM (%) with its exact (Clopper–Pearson) 95 % interval, EditSim, CodeBLEU and target NLL
/// (nats/token; null when the method has none) with 95 % bootstrap intervals over tasks, the prompt tokens it added and the share
/// of its prompts cut on the left.</summary>
public sealed record SplitScore(string Split, Estimate ExactMatch, Estimate EditSimilarity, Estimate? TargetNll, double MeanExtraTokens, double TruncatedShare, Estimate CodeBleu)
{
    /// <summary>Scores of saved predictions (EM in percent, as the paper reports it). EM's interval is exact rather than a percentile
    /// bootstrap: for 0 hits of 256 the bootstrap says [0, 0], while any rate up to 1.4 % is consistent with that count.</summary>
    public static SplitScore Of(string split, IReadOnlyList<PredictionRow> rows, int seed = 3407)
    {
        var hits = rows.Count(r => r.ExactMatch);
        var (low, high) = ExactBinomial.ClopperPearson(hits, rows.Count);
        var em = new Estimate(rows.Count == 0 ? double.NaN : 100.0 * hits / rows.Count, 100 * low, 100 * high, rows.Count);
        var nll = rows.Count > 0 && rows.All(r => r.TargetNll is not null) ? Bootstrap.Mean(rows.Select(r => r.TargetNll!.Value).ToList(), seed: seed) : null;
        return new SplitScore(split, em, Bootstrap.Mean(rows.Select(r => r.EditSimilarity).ToList(), seed: seed), nll,
            rows.Count == 0 ? 0 : rows.Average(r => r.ExtraTokens), rows.Count == 0 ? 0 : (double)rows.Count(r => r.Truncated) / rows.Count,
            Bootstrap.Mean(rows.Select(r => r.CodeBleu).ToList(), seed: seed));
    }
}
