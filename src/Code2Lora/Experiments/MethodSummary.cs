using System.Globalization;
using System.Text.Json.Serialization;
using Code2Lora.Evaluation;

namespace Code2Lora.Experiments;

/// <summary>One row of a track's summary.json: per split (CR-test, IR-test) exact match (%, exact Clopper–Pearson 95 % interval),
/// EditSim and target NLL (nats/token) with 95 % bootstrap intervals, plus the prompt tokens the method added and the share of
/// prompts cut on the left. A split a method is not scored on is null (per-repo LoRA has no CR; a cross-validation summary has no IR);
/// so is the NLL of a method without one (the trivial baselines). The CodeBLEU fields (mean, 95 % bootstrap CI) are null in summaries written
/// before CodeBLEU existed.</summary>
public sealed record MethodSummary(
    [property: JsonPropertyName("cr_em"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrEm,
    [property: JsonPropertyName("cr_em_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? CrEmCi,
    [property: JsonPropertyName("ir_em"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? IrEm,
    [property: JsonPropertyName("ir_em_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? IrEmCi,
    [property: JsonPropertyName("cr_es"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrEs,
    [property: JsonPropertyName("cr_es_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? CrEsCi,
    [property: JsonPropertyName("ir_es"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? IrEs,
    [property: JsonPropertyName("ir_es_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? IrEsCi,
    [property: JsonPropertyName("cr_nll"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrNll,
    [property: JsonPropertyName("cr_nll_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? CrNllCi,
    [property: JsonPropertyName("ir_nll"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? IrNll,
    [property: JsonPropertyName("ir_nll_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? IrNllCi,
    [property: JsonPropertyName("extra_tokens")] double ExtraTokens, [property: JsonPropertyName("truncated")] double Truncated,
    [property: JsonPropertyName("n_cr")] int NCr, [property: JsonPropertyName("n_ir")] int NIr,
    [property: JsonPropertyName("cr_cb"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CrCb = null,
    [property: JsonPropertyName("cr_cb_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? CrCbCi = null,
    [property: JsonPropertyName("ir_cb"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? IrCb = null,
    [property: JsonPropertyName("ir_cb_ci"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? IrCbCi = null)
{
    /// <summary>The row for a method's CR-test and IR-test scores (null: not scored there).</summary>
    public static MethodSummary Of(SplitScore? cr, SplitScore? ir)
    {
        int nCr = cr?.ExactMatch.N ?? 0, nIr = ir?.ExactMatch.N ?? 0;
        double[]? Ci(Estimate? e, int digits) => e is null ? null : [Math.Round(e.Low, digits), Math.Round(e.High, digits)];
        double? Mean(Estimate? e, int digits) => e is null ? null : Math.Round(e.Mean, digits);
        double Weighted(Func<SplitScore, double> f) => ((cr is null ? 0 : f(cr) * nCr) + (ir is null ? 0 : f(ir) * nIr)) / Math.Max(1, nCr + nIr);
        return new(Mean(cr?.ExactMatch, 2), Ci(cr?.ExactMatch, 2), Mean(ir?.ExactMatch, 2), Ci(ir?.ExactMatch, 2),
            Mean(cr?.EditSimilarity, 4), Ci(cr?.EditSimilarity, 4), Mean(ir?.EditSimilarity, 4), Ci(ir?.EditSimilarity, 4),
            Mean(cr?.TargetNll, 4), Ci(cr?.TargetNll, 4), Mean(ir?.TargetNll, 4), Ci(ir?.TargetNll, 4),
            Math.Round(Weighted(s => s.MeanExtraTokens), 1), Math.Round(Weighted(s => s.TruncatedShare), 4), nCr, nIr,
            Mean(cr?.CodeBleu, 4), Ci(cr?.CodeBleu, 4), Mean(ir?.CodeBleu, 4), Ci(ir?.CodeBleu, 4));
    }

    /// <summary>The row of a method's predictions per split (CR-test and IR-test, each when present).</summary>
    public static MethodSummary Of(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows, int seed) => Of(
        rows.TryGetValue(Bench.SplitNames.CrTest, out var cr) ? SplitScore.Of(Bench.SplitNames.CrTest, cr, seed) : null,
        rows.TryGetValue(Bench.SplitNames.IrTest, out var ir) ? SplitScore.Of(Bench.SplitNames.IrTest, ir, seed) : null);
}

/// <summary>One display row of a summary (notebook tables): each metric with its CI as text, "—" where it does not apply.</summary>
public sealed record SummaryRow(string Method, string CrNll, string CrEs, string CrCb, string CrEm, string IrNll, string IrEs, string IrCb, string IrEm, double ExtraTokens)
{
    /// <summary>The rows of <paramref name="methods"/>, in order.</summary>
    public static IReadOnlyList<SummaryRow> Of(IEnumerable<KeyValuePair<string, MethodSummary>> methods) => methods.Select(kv => new SummaryRow(kv.Key,
        Cell(kv.Value.CrNll, kv.Value.CrNllCi, "F3"), Cell(kv.Value.CrEs, kv.Value.CrEsCi, "F3"), SummaryTables.CodeBleuText(kv.Value.CrCb), Cell(kv.Value.CrEm, kv.Value.CrEmCi, "F1"),
        Cell(kv.Value.IrNll, kv.Value.IrNllCi, "F3"), Cell(kv.Value.IrEs, kv.Value.IrEsCi, "F3"), SummaryTables.CodeBleuText(kv.Value.IrCb), Cell(kv.Value.IrEm, kv.Value.IrEmCi, "F1"),
        kv.Value.ExtraTokens)).ToList();

    /// <summary>Every method and ablation of a static summary.</summary>
    public static IReadOnlyList<SummaryRow> Of(StaticSummary summary) => Of(summary.Methods.Concat(summary.Ablations));

    /// <summary>"4.210 [4.150, 4.270]", or "—" when there is no value.</summary>
    public static string Cell(double? value, double[]? ci, string format) => value is not { } v ? "—"
        : ci is null ? v.ToString(format, CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{v.ToString(format, CultureInfo.InvariantCulture)} [{ci[0].ToString(format, CultureInfo.InvariantCulture)}, {ci[1].ToString(format, CultureInfo.InvariantCulture)}]");
}
