using System.Globalization;
using System.Text;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Experiments;

/// <summary>The markdown both track summaries share: the method table (NLL, EditSim, EM per split, "—" where a split or metric does not
/// apply), the paired-difference tables (one per metric, with task-level and repository-clustered intervals and the minimum detectable
/// effect) and the conditioning-loss table; plus the statement of what the intervals are.</summary>
public static class SummaryTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>EM (0 or 100) per task, in task order.</summary>
    public static double[] Em(IReadOnlyList<PredictionRow> rows) => rows.OrderBy(r => r.TaskIndex).Select(r => r.ExactMatch ? 100.0 : 0.0).ToArray();

    /// <summary>What the intervals and MDEs of the tables are (printed under them).</summary>
    public const string Legend =
        "NLL: target nats/token (the target and EOS, teacher-forced after the method's decoding prompt, its context included), mean over tasks, 95 % bootstrap CI. " +
        "EM: % with the exact (Clopper–Pearson) 95 % CI. EditSim: 95 % bootstrap CI. CodeBLEU: mean over tasks (its 95 % bootstrap CI is in summary.json). Paired differences a − b: task-level 95 % CI (bootstrap; for EM the exact " +
        "interval of the discordant tasks) and a 95 % CI from resampling repositories with all their tasks (undercovers with fewer than ~20 repositories: read " +
        "the count of repositories above/below 0 and its sign-test p there); McNemar: tasks only a / only b gets right, exact two-sided p. MDE: the smallest " +
        "difference detectable with 80 % power at two-sided α = 0.05: 2.80 × the larger of the task-level and repository-level SE (NLL, EditSim); for EM the " +
        "exact McNemar test's, given the observed discordant tasks (— when fewer than 6 discordant tasks make any difference undetectable).";

    /// <summary>A CodeBLEU mean for tables, "—" where the split does not apply or the summary predates CodeBLEU.</summary>
    public static string CodeBleuText(double? codeBleu) => codeBleu is { } cb ? cb.ToString("F3", CultureInfo.InvariantCulture) : "—";

    /// <summary>Appends a method table: NLL, EditSim, CodeBLEU and EM per split (CR, then IR when any row has it), and the extra prompt
    /// tokens when <paramref name="extraTokens"/>.</summary>
    public static void Methods(StringBuilder sb, string title, IReadOnlyDictionary<string, MethodSummary> rows, bool extraTokens)
    {
        var ir = rows.Values.Any(m => m.IrEm is not null);
        sb.AppendLine($"| {title} | CR NLL | CR EditSim | CR CodeBLEU | CR EM |" + (ir ? " IR NLL | IR EditSim | IR CodeBLEU | IR EM |" : "") + (extraTokens ? " extra prompt tokens | prompts cut |" : ""));
        sb.AppendLine("|---|---|---|---|---|" + (ir ? "---|---|---|---|" : "") + (extraTokens ? "---|---|" : ""));
        foreach (var (name, m) in rows)
        {
            var line = $"| {name} | {SummaryRow.Cell(m.CrNll, m.CrNllCi, "F3")} | {SummaryRow.Cell(m.CrEs, m.CrEsCi, "F3")} | {CodeBleuText(m.CrCb)} | {SummaryRow.Cell(m.CrEm, m.CrEmCi, "F1")} |";
            if (ir) line += $" {SummaryRow.Cell(m.IrNll, m.IrNllCi, "F3")} | {SummaryRow.Cell(m.IrEs, m.IrEsCi, "F3")} | {CodeBleuText(m.IrCb)} | {SummaryRow.Cell(m.IrEm, m.IrEmCi, "F1")} |";
            if (extraTokens) line += string.Create(Inv, $" {m.ExtraTokens:F0} | {100 * m.Truncated:F0} % |");
            sb.AppendLine(line);
        }
        sb.AppendLine();
    }

    /// <summary>Appends the paired-difference tables (NLL, EditSim, EM), the comparisons against <paramref name="primary"/> first; nothing
    /// when there are none.</summary>
    public static void Comparisons(StringBuilder sb, IReadOnlyList<Comparison> comparisons, string primary = "single-lora")
    {
        if (comparisons.Count == 0) return;
        var ordered = comparisons.Where(c => c.B == primary).Concat(comparisons.Where(c => c.B != primary)).ToList();
        var nll = ordered.Where(c => c.Nll is not null).ToList();
        if (nll.Count > 0)
        {
            sb.AppendLine("| paired difference, target NLL (nats/token; < 0: a better) | split | a − b | 95 % CI (tasks) | 95 % CI (repositories) | repositories a > b · a < b (sign p) | MDE |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var c in nll) sb.AppendLine(Continuous(c, c.Nll!, "F3"));
            sb.AppendLine();
        }
        sb.AppendLine("| paired difference, EditSim | split | a − b | 95 % CI (tasks) | 95 % CI (repositories) | repositories a > b · a < b (sign p) | MDE |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in ordered) sb.AppendLine(Continuous(c, c.EditSim, "F3"));
        sb.AppendLine();
        sb.AppendLine("| paired difference, EM (points) | split | a − b | exact 95 % CI | 95 % CI (repositories) | only a · only b (McNemar p) | MDE |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in ordered)
        {
            var e = c.Em;
            var test = e.McNemar!;
            sb.AppendLine(string.Create(Inv,
                $"| {c.A} − {c.B} | {c.Split} | {Signed(e.Difference, "F1")} | {e.Interval("F1")} | {e.RepoInterval("F1")} | {test.OnlyA} · {test.OnlyB} (p {test.P:F3}) | {Mde(e.Mde, "F1")} |"));
        }
        sb.AppendLine();
    }

    /// <summary>Appends the loss-based conditioning table (own vector against another repository's from the same split, the mean
    /// weight change and the zero vector); nothing when empty.</summary>
    public static void ConditioningLoss(StringBuilder sb, string head, IReadOnlyList<Hyper.ConditioningLoss> rows)
    {
        if (rows.Count == 0) return;
        sb.AppendLine(Inv, $"| target NLL (nats/token), {head} | tasks | own | another repository's (same split) | mean weight change | zero vector | another − own: 95 % CI tasks · repositories · MDE | mean − own | zero − own |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var l in rows)
            sb.AppendLine(Inv, $"| {l.Split} | {l.Tasks} | {l.Own:F4} | {l.Other:F4} | {l.MeanAdapter:F4} | {l.Zero:F4} | {Gap(l.OtherMinusOwn)} | {Gap(l.MeanMinusOwn)} | {Gap(l.ZeroMinusOwn)} |");
        sb.AppendLine();
    }

    /// <summary>"+0.043 [0.015, 0.073] · [0.001, 0.095] · MDE 0.021".</summary>
    public static string Gap(PairedEffect e) =>
        string.Create(Inv, $"{Signed(e.Difference, "F3")} {e.Interval("F3")} · {e.RepoInterval("F3")} · MDE {Mde(e.Mde, "F3")}");

    private static string Continuous(Comparison c, PairedEffect e, string format) => string.Create(Inv,
        $"| {c.A} − {c.B} | {c.Split} | {Signed(e.Difference, format)} | {e.Interval(format)} | {e.RepoInterval(format)} | {e.ReposAbove} · {e.ReposBelow} of {e.Repos} (p {e.SignTestP:F3}) | {Mde(e.Mde, format)} |");

    /// <summary>A difference with its sign: "+0.043", "-0.012", "0.000" (a plus only above 0, so no format section can print "-+0.000").</summary>
    public static string Signed(double x, string format) => x > 0 ? "+" + x.ToString(format, Inv) : x.ToString(format, Inv);

    private static string Mde(double? mde, string format) => mde is { } m ? m.ToString(format, Inv) : "—";
}
