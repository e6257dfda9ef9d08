namespace Code2Lora.Evaluation;

/// <summary>One method's scores on one split: EM (%), EditSim and CodeBLEU with 95 % bootstrap CIs, and the prompt tokens it added.</summary>
public sealed record SplitScore(string Split, Estimate ExactMatch, Estimate EditSimilarity, double MeanExtraTokens, Estimate CodeBleu)
{
    /// <summary>Scores of saved predictions (EM in percent, as the paper reports it).</summary>
    public static SplitScore Of(string split, IReadOnlyList<PredictionRow> rows, int seed = 3407) => new(split,
        Bootstrap.Mean(rows.Select(r => r.ExactMatch ? 100.0 : 0.0).ToList(), seed: seed),
        Bootstrap.Mean(rows.Select(r => r.EditSimilarity).ToList(), seed: seed),
        rows.Count == 0 ? 0 : rows.Average(r => r.ExtraTokens),
        Bootstrap.Mean(rows.Select(r => r.CodeBleu).ToList(), seed: seed));
}
