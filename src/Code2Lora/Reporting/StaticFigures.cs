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
        var names = rows.Select(r => r.Key).ToArray();
        // In-repo-only methods (per-repo LoRA) have no CR bar.
        var crRows = rows.Where(r => r.Value.CrEm is not null && r.Value.CrEmCi is not null).ToList();
        var cr = CS.Chart.Column<double, string, string>(values: crRows.Select(r => r.Value.CrEm!.Value).ToArray(), Keys: crRows.Select(r => r.Key).ToArray(), Name: "CR test",
            MultiText: crRows.Select(r => $"[{r.Value.CrEmCi![0]:F1}, {r.Value.CrEmCi[1]:F1}]").ToArray());
        var ir = CS.Chart.Column<double, string, string>(values: rows.Select(r => r.Value.IrEm).ToArray(), Keys: names, Name: "IR test",
            MultiText: rows.Select(r => $"[{r.Value.IrEmCi[0]:F1}, {r.Value.IrEmCi[1]:F1}]").ToArray());
        return BenchReport.Titled(CS.Chart.Combine([cr, ir]), $"Static track ({summary.Config.Name}): exact match, 95 % CI in labels", "method", "EM (%)");
    }

    /// <summary>Pairwise cosine between repositories' generated adapters (mean-centred when <paramref name="centred"/>).</summary>
    public static GenericChart Similarity(AdapterSimilarity s, bool centred)
    {
        var m = centred ? s.Centred : s.Raw;
        var n = s.Repos.Count;
        // Plotly draws the first row at the bottom; reverse the rows so the diagonal runs from the top left, as in a matrix.
        // Four decimals, as in summary.json: weights trained on another CPU differ in the last bits, and the figure should not.
        var z = Enumerable.Range(0, n).Reverse().Select(i => Enumerable.Range(0, n).Select(j => Math.Round(m[i, j], 4)).ToArray()).ToArray();
        var labels = s.Repos.Select(r => r.Split('/')[^1]).ToArray();
        var chart = CS.Chart.Heatmap<double, string, string, string>(zData: z, X: labels, Y: labels.Reverse().ToArray());
        return BenchReport.Titled(chart, centred ? $"Mean-centred cosine between generated adapters (mean off-diagonal {s.MeanCentred:F3})"
            : $"Cosine between generated adapters (mean off-diagonal {s.MeanRaw:F3})", "repository", "repository");
    }

    /// <summary>t-SNE of the mean-centred adapters (distance 2 − 2·cosine), one colour per group (e.g. train / CR-test repository):
    /// repositories whose adapters differ in the same way land together.</summary>
    public static GenericChart AdapterMap(AdapterSimilarity s, Func<string, string> groupOf, TsneConfig? config = null)
    {
        var n = s.Repos.Count;
        var dist = new double[n, n];
        // Cosines to four decimals (see Similarity), so last-bit differences between machines do not move the map.
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) dist[i, j] = Math.Max(0, 2 - 2 * Math.Round(s.Centred[i, j], 4));
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
            return CS.Chart.Column<double, string, string>(values: rows.Select(r => r.Loss.ShuffledMinusOwn).ToArray(), Keys: rows.Select(r => r.Variant).ToArray(),
                Name: split, MultiText: rows.Select(r => $"[{r.Loss.ShuffledMinusOwnCi[0]:F4}, {r.Loss.ShuffledMinusOwnCi[1]:F4}]").ToArray());
        });
        return BenchReport.Titled(CS.Chart.Combine(bars), $"Loss cost of another repository's vector ({study.Preset}); 95 % CI in labels",
            "variant", "target loss, other − own (nats/token)");
    }
}
