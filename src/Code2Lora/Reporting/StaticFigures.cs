using Code2Lora.Experiments;
using Code2Lora.Hyper;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>Figures of the static experiment: EM per method and split, and the adapter-similarity heatmap.</summary>
public static class StaticFigures
{
    /// <summary>Exact match per method on CR-test and IR-test (hover shows the 95 % CI).</summary>
    public static GenericChart ExactMatch(StaticSummary summary)
    {
        var rows = summary.Methods.Concat(summary.Ablations).ToList();
        // In-repo-only methods (per-repo LoRA) have no CR bar.
        var crRows = rows.Where(r => r.Value.CrEm is not null && r.Value.CrEmCi is not null).ToList();
        var cr = CS.Chart.Column<double, string, string>(values: crRows.Select(r => r.Value.CrEm!.Value).ToArray(), Keys: crRows.Select(r => r.Key).ToArray(), Name: "CR test",
            MultiText: crRows.Select(r => $"[{r.Value.CrEmCi![0]:F1}, {r.Value.CrEmCi[1]:F1}]").ToArray());
        var irRows = rows.Where(r => r.Value.IrEm is not null && r.Value.IrEmCi is not null).ToList();
        var ir = CS.Chart.Column<double, string, string>(values: irRows.Select(r => r.Value.IrEm!.Value).ToArray(), Keys: irRows.Select(r => r.Key).ToArray(), Name: "IR test",
            MultiText: irRows.Select(r => $"[{r.Value.IrEmCi![0]:F1}, {r.Value.IrEmCi[1]:F1}]").ToArray());
        return BenchReport.Titled(CS.Chart.Combine([cr, ir]), $"Static track ({summary.Config.Name}): exact match, exact 95 % CI in labels", "method", "EM (%)");
    }

    /// <summary>Pairwise cosine between repositories' generated adapters. (No mean-centred version: after removing the mean of n
    /// vectors their pairwise cosines average about −1/(n − 1) whatever the adapters are, so its mean says nothing.)</summary>
    public static GenericChart Similarity(AdapterSimilarity s)
    {
        var m = s.Raw;
        var n = s.Repos.Count;
        // Plotly draws the first row at the bottom; reverse the rows so the diagonal runs from the top left, as in a matrix.
        var z = Enumerable.Range(0, n).Reverse().Select(i => Enumerable.Range(0, n).Select(j => m[i, j]).ToArray()).ToArray();
        var labels = s.Repos.Select(r => r.Split('/')[^1]).ToArray();
        var chart = CS.Chart.Heatmap<double, string, string, string>(zData: z, X: labels, Y: labels.Reverse().ToArray());
        return BenchReport.Titled(chart, $"Cosine between generated adapters (mean off-diagonal {s.MeanRaw:F3})", "repository", "repository");
    }

    /// <summary>t-SNE of the mean-centred adapters (distance 2 − 2·cosine), one colour per group (e.g. train / CR-test repository):
    /// repositories whose adapters differ in the same way land together.</summary>
    public static GenericChart AdapterMap(AdapterSimilarity s, Func<string, string> groupOf, TsneConfig? config = null)
    {
        var n = s.Repos.Count;
        var dist = new double[n, n];
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) dist[i, j] = Math.Max(0, 2 - 2 * s.Centred[i, j]);
        var y = Tsne.EmbedDistances(dist, config);
        var points = Enumerable.Range(0, n).GroupBy(i => groupOf(s.Repos[i])).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            CS.Chart.Point<double, double, string>(x: g.Select(i => y[i, 0]).ToArray(), y: g.Select(i => y[i, 1]).ToArray(), Name: g.Key,
                MultiText: g.Select(i => s.Repos[i].Split('/')[^1]).ToArray()));
        return BenchReport.Titled(CS.Chart.Combine(points), "t-SNE of the mean-centred generated adapters (hover: repository)", "t-SNE 1", "t-SNE 2");
    }

    /// <summary>Per variant of the conditioning study: how much target loss another repository's vector costs (nats/token;
    /// 95 % CI in the hover text). Zero means the adapter carries nothing of the repository.</summary>
    public static GenericChart ConditioningGap(ConditioningStudyResult study)
    {
        var splits = study.Rows.SelectMany(r => r.Loss.Select(l => l.Split)).Distinct().ToList();
        var bars = splits.Select(split =>
        {
            var rows = study.Rows.Select(r => (r.Variant, Loss: r.Loss.Single(l => l.Split == split))).ToList();
            return CS.Chart.Column<double, string, string>(values: rows.Select(r => r.Loss.OtherMinusOwn.Difference).ToArray(), Keys: rows.Select(r => r.Variant).ToArray(),
                Name: split, MultiText: rows.Select(r => $"tasks {r.Loss.OtherMinusOwn.Interval("F4")}, repositories {r.Loss.OtherMinusOwn.RepoInterval("F4")}").ToArray());
        });
        return BenchReport.Titled(CS.Chart.Combine(bars), $"Loss cost of another repository's vector from the same split ({study.Preset}); 95 % CIs in labels",
            "variant", "target loss, other − own (nats/token)");
    }
}
