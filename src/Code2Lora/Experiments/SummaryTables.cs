using System.Globalization;
using System.Text;
using Code2Lora.Evaluation;

namespace Code2Lora.Experiments;

/// <summary>The pieces both track summaries share: per-task EM vectors for paired bootstraps, and the markdown method and
/// paired-difference tables ("—" where a split does not apply, e.g. per-repo LoRA on CR).</summary>
public static class SummaryTables
{
    /// <summary>EM (0 or 100) per task, in task order, for <see cref="Bootstrap.Paired"/>.</summary>
    public static double[] Em(IReadOnlyList<PredictionRow> rows) => rows.OrderBy(r => r.TaskIndex).Select(r => r.ExactMatch ? 100.0 : 0.0).ToArray();

    /// <summary>A CodeBLEU mean for tables, "—" where the split does not apply or the summary predates CodeBLEU.</summary>
    public static string CodeBleuText(double? codeBleu) => codeBleu is { } cb ? cb.ToString("F3", CultureInfo.InvariantCulture) : "—";

    /// <summary>Appends a method table: CR and IR EM with CIs, EditSim, CodeBLEU, and the extra prompt tokens when <paramref name="extraTokens"/>.</summary>
    public static void Methods(StringBuilder sb, string title, IReadOnlyDictionary<string, MethodSummary> rows, bool extraTokens)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine($"| {title} | CR EM | CR ES | CR CodeBLEU | IR EM | IR ES | IR CodeBLEU |" + (extraTokens ? " extra prompt tokens |" : ""));
        sb.AppendLine("|---|---|---|---|---|---|---|" + (extraTokens ? "---|" : ""));
        foreach (var (name, m) in rows)
        {
            var crEm = m.CrEm is { } em && m.CrEmCi is { } ci ? string.Create(inv, $"{em:F1} [{ci[0]:F1}, {ci[1]:F1}]") : "—";
            var crEs = m.CrEs is { } es ? es.ToString("F3", inv) : "—";
            sb.AppendLine(string.Create(inv, $"| {name} | {crEm} | {crEs} | {CodeBleuText(m.CrCb)} | {m.IrEm:F1} [{m.IrEmCi[0]:F1}, {m.IrEmCi[1]:F1}] | {m.IrEs:F3} | {CodeBleuText(m.IrCb)} |")
                          + (extraTokens ? string.Create(inv, $" {m.ExtraTokens:F0} |") : ""));
        }
        sb.AppendLine();
    }

    /// <summary>Appends the loss-based conditioning table (own vector, another repository's, mean adapter); nothing when empty.</summary>
    public static void ConditioningLoss(StringBuilder sb, string head, IReadOnlyList<Hyper.ConditioningLoss> rows)
    {
        if (rows.Count == 0) return;
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"| target loss (nats/token), {head} | tasks | own | another repository's | mean adapter | another − own [95 % CI] |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var l in rows)
            sb.AppendLine(inv, $"| {l.Split} | {l.Tasks} | {l.Own:F4} | {l.Shuffled:F4} | {l.MeanAdapter:F4} | {l.ShuffledMinusOwn:+0.0000;-0.0000;0.0000} [{l.ShuffledMinusOwnCi[0]:F4}, {l.ShuffledMinusOwnCi[1]:F4}] |");
        sb.AppendLine();
    }

    /// <summary>Appends the paired-difference table (EM points, a − b, 95 % CI); nothing when there are none.</summary>
    public static void Comparisons(StringBuilder sb, IReadOnlyList<Comparison> comparisons)
    {
        if (comparisons.Count == 0) return;
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("| paired difference (EM points) | split | a − b | 95 % CI |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var d in comparisons) sb.AppendLine(inv, $"| {d.A} − {d.B} | {d.Split} | {d.EmDiff:+0.0;-0.0;0.0} | [{d.EmDiffCi[0]:F1}, {d.EmDiffCi[1]:F1}] |");
        sb.AppendLine();
    }
}
