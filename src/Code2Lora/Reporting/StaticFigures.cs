using Code2Lora.Experiments;
using Code2Lora.Hyper;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>Figures of the static experiment: EM per method and split, and the adapter-similarity heatmap.</summary>
public static class StaticFigures
{
    /// <summary>Exact match per method on CR-test and IR-test with 95 % bootstrap CIs as error bars (the Table 2 analog).
    /// A method not evaluated on a split (per-repo LoRA has no adapter for unseen repositories) is marked "not evaluated"
    /// at its place; a zero-height bar is labelled "0" so the two cannot be confused.</summary>
    public static GenericChart ExactMatch(StaticSummary summary) =>
        ExactMatchBars(summary.Methods.Concat(summary.Ablations).ToList(), $"Static track ({summary.Config.Name}): exact match per method");

    /// <summary>Grouped EM bars for CR-test and IR-test with CI error bars; shared by the static and evolution tracks.</summary>
    public static GenericChart ExactMatchBars(IReadOnlyList<KeyValuePair<string, MethodSummary>> rows, string title)
    {
        var keys = rows.Select(r => r.Key).ToArray();
        GenericChart Split(string name, Func<MethodSummary, (double Em, double[] Ci)?> pick)
        {
            var points = rows.Select(r => pick(r.Value)).ToList();
            var values = points.Select(p => p?.Em ?? 0).ToArray();
            var bar = CS.Chart.Column<double, string, string>(values: values, Keys: keys, Name: name);
            TraceAttributes.Set(bar, "error_y", TraceAttributes.ErrorBars(values, points.Select(p => p?.Ci[0] ?? 0).ToArray(), points.Select(p => p?.Ci[1] ?? 0).ToArray()));
            TraceAttributes.Set(bar, "text", points.Select(p => p is null ? "not evaluated" : p.Value.Em == 0 ? "0" : "").ToArray());
            TraceAttributes.Set(bar, "textposition", "outside");
            TraceAttributes.Set(bar, "textangle", -90);
            TraceAttributes.Set(bar, "cliponaxis", false);
            return bar;
        }
        var cr = Split("CR test (unseen repositories)", m => m.CrEm is { } em && m.CrEmCi is { } ci ? (em, ci) : null);
        var ir = Split("IR test (training repositories)", m => m.IrEm is { } em && m.IrEmCi is { } ci ? (em, ci) : null);
        return BenchReport.Titled(CS.Chart.Combine([cr, ir]), title + "; bars: exact (Clopper–Pearson) 95 % CI", "method", "exact match (%)");
    }

    /// <summary>Pairwise cosine between repositories' generated adapters. (No mean-centred version: after removing the mean of n
    /// vectors their pairwise cosines average about −1/(n − 1) whatever the adapters are, so its mean says nothing.)</summary>
    public static GenericChart Similarity(AdapterSimilarity s)
    {
        var m = s.Raw;
        var n = s.Repos.Count;
        // Plotly draws the first row at the bottom; reverse the rows so the diagonal runs from the top left, as in a matrix.
        // Four decimals, as in summary.json: weights trained on another CPU differ in the last bits, and the figure should not.
        var z = Enumerable.Range(0, n).Reverse().Select(i => Enumerable.Range(0, n).Select(j => Math.Round(m[i, j], 4)).ToArray()).ToArray();
        var labels = s.Repos.Select(r => r.Split('/')[^1]).ToArray();
        var chart = CS.Chart.Heatmap<double, string, string, string>(zData: z, X: labels, Y: labels.Reverse().ToArray());
        TraceAttributes.Set(chart, "colorbar", TraceAttributes.ColorBar("cosine"));
        return BenchReport.Titled(chart, $"Cosine between generated adapters (mean off-diagonal {s.MeanRaw:F3})", "repository", "repository");
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
        return BenchReport.Titled(CS.Chart.Combine(points), "t-SNE of the mean-centred generated adapters, one point per repository",
            "t-SNE 1 (arbitrary units)", "t-SNE 2 (arbitrary units)");
    }

    /// <summary>Per variant of the conditioning study: how much target loss another repository's vector costs (nats/token,
    /// 95 % CI as error bars). Zero means the adapter carries nothing of the repository.</summary>
    public static GenericChart ConditioningGap(ConditioningStudyResult study)
    {
        var splits = study.Rows.SelectMany(r => r.Loss.Select(l => l.Split)).Distinct().ToList();
        var bars = splits.Select(split =>
        {
            var rows = study.Rows.Select(r => (r.Variant, Loss: r.Loss.Single(l => l.Split == split))).ToList();
            var values = rows.Select(r => r.Loss.OtherMinusOwn.Difference).ToArray();
            var bar = CS.Chart.Column<double, string, string>(values: values, Keys: rows.Select(r => r.Variant).ToArray(), Name: split,
                MultiText: rows.Select(r => $"repositories {r.Loss.OtherMinusOwn.RepoInterval("F4")}").ToArray());
            return TraceAttributes.Set(bar, "error_y", TraceAttributes.ErrorBars(values,
                rows.Select(r => r.Loss.OtherMinusOwn.Ci[0]).ToArray(), rows.Select(r => r.Loss.OtherMinusOwn.Ci[1]).ToArray()));
        });
        return BenchReport.Titled(CS.Chart.Combine(bars), $"Loss cost of another repository's vector from the same split ({study.Preset}); bars: 95 % CI over tasks, repository CI in labels",
            "variant", "target loss, other − own (nats/token)");
    }
}
