using System.Globalization;
using System.Text;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>sweep.md: one row per point × method × split, metrics as mean ± across-seed SD, and the paired difference from the default
/// point with its task-level and repository-clustered 95 % intervals.</summary>
public static class SweepMarkdown
{
    /// <summary>The Markdown of <paramref name="t"/>.</summary>
    public static string Of(SweepTable t)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var grid = t.Grid.Count == 0 ? "seeds only" : string.Join("; ", t.Grid.Select(kv => $"{kv.Key} = {string.Join(", ", kv.Value)}"));
        sb.AppendLine(inv, $"# Sweep of {t.Config}: {grid}");
        sb.AppendLine();
        sb.AppendLine(inv, $"Methods {string.Join(", ", t.Methods)}; seeds {string.Join(", ", t.Seeds)}{(t.BaseOverrides.Count > 0 ? $"; every point with --set {string.Join(" --set ", t.BaseOverrides)}" : "")}.");
        sb.AppendLine();
        sb.AppendLine("| point | method | split | seeds | NLL | EditSim | EM (%) | CodeBLEU | ΔNLL vs default | ΔEditSim vs default | ΔEM vs default (pp) |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var r in t.Rows)
            sb.AppendLine(inv, $"| {r.Point} | {r.Method} | {r.Split} | {r.Seeds} | {Spread(r.Nll, "F3")} | {Spread(r.EditSim, "F3")} | {Spread(r.Em, "F1")} | {Spread(r.CodeBleu, "F3")} | "
                              + $"{Delta(r, r.NllVsDefault, "F3")} | {Delta(r, r.EditSimVsDefault, "F3")} | {Delta(r, r.EmVsDefault, "F1")} |");
        sb.AppendLine();
        sb.AppendLine("Metrics are the mean over seeds ± the across-seed sample SD. Δ = this point − the default point (the config's unmodified values), "
                      + "pooled over the seeds both ran (each seed's tasks paired with the default point's same seed): the difference, its task-level 95 % interval "
                      + "(paired bootstrap; EM: exact McNemar interval) and, after \"repos\", the repository-clustered bootstrap interval. NLL is nats per target token (lower is better). "
                      + "A difference holds only where both intervals and the seed spread agree.");
        foreach (var r in t.Rows.Where(r => r.Note is not null))
            sb.AppendLine(inv, $"- {r.Point}, {r.Method}, {r.Split}: {r.Note}.");
        if (t.VersusControl is { Count: > 0 } versus)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"## Against the single-LoRA control, seed by seed");
            sb.AppendLine();
            sb.AppendLine("| point | method − control | split | ΔNLL per seed [task 95 % CI] | mean ± SD over seeds | pooled [tasks] [repos] | verdict |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var c in versus)
            {
                var seeds = string.Join("; ", c.Seeds.Zip(c.PerSeed, (seed, e) => $"{seed}: {Signed(e.Difference)} {e.Interval("F3")}"));
                sb.AppendLine(inv, $"| {c.Point} | {c.Method} − {c.Control} | {c.Split} | {seeds} | {Spread(c.Spread, "F3")} | "
                                  + $"{Signed(c.Pooled.Difference)} {c.Pooled.Interval("F3")} {c.Pooled.RepoInterval("F3")} | {c.Verdict} |");
            }
            sb.AppendLine();
            sb.AppendLine("Target NLL of the method minus that of single LoRA trained on the same tasks for the same steps, in the same run (same seed, same "
                          + "tasks). Each seed's difference has its task-level 95 % interval (paired bootstrap); the pooled difference pairs every seed's tasks, "
                          + "with its task-level and repository-clustered intervals. Verdict: *holds* when every seed's interval and both pooled intervals "
                          + "exclude 0 on the same side; *seeds disagree* when the pooled intervals do but a seed's does not; *n.s.* when a pooled interval includes 0.");
        }
        sb.AppendLine();
        sb.AppendLine(inv, $"Command: `{t.Command}`, git {t.Provenance.GitSha}.");
        return sb.ToString();
    }

    private static string Spread(SeedSpread? s, string format) => s is null ? "—"
        : s.Sd is { } sd ? $"{s.Mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString(format, CultureInfo.InvariantCulture)}"
        : s.Mean.ToString(format, CultureInfo.InvariantCulture);

    private static string Signed(double d) => (d > 0 ? "+" : "") + d.ToString("F3", CultureInfo.InvariantCulture);

    private static string Delta(SweepRow r, PairedEffect? e, string format) => r.IsDefault ? "(default)" : e is null ? "—"
        : $"{(e.Difference > 0 ? "+" : "")}{e.Difference.ToString(format, CultureInfo.InvariantCulture)} {e.Interval(format)} repos {e.RepoInterval(format)}";
}
