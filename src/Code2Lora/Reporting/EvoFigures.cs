using Code2Lora.Experiments;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>Figures of the evolution experiment.</summary>
public static class EvoFigures
{
    /// <summary>CR-test EM per decile of the normalised commit position, one line per distinct series (the paper's Fig. 9
    /// analog).  Methods whose series are identical share one line whose legend names them all, so no line hides another;
    /// where the summary records them, each point carries its 95 % bootstrap CI as an error bar and the x axis the number
    /// of tasks per decile.</summary>
    public static GenericChart Drift(EvoSummary summary)
    {
        var centres = Enumerable.Range(0, 10).Select(i => i * 10 + 5.0).ToArray();
        var deciles = summary.DriftDeciles;
        var groups = summary.Drift.GroupBy(kv => string.Join(",", kv.Value.Select(v => v?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "-")))
            .Select(g => (Names: g.Select(kv => kv.Key).ToList(), Series: g.First().Value)).ToList();
        var symbols = new[] { "circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon" };
        var lines = groups.Select((g, i) =>
        {
            var points = centres.Select((x, d) => (x, d, y: g.Series[d])).Where(p => p.y is not null).ToList();
            var line = CS.Chart.Line<double, double, string>(x: points.Select(p => p.x).ToArray(), y: points.Select(p => p.y!.Value).ToArray(),
                Name: string.Join(" = ", g.Names), ShowMarkers: true);
            TraceAttributes.Set(line, "marker", new Dictionary<string, object> { ["symbol"] = symbols[i % symbols.Length], ["size"] = 8 });
            if (deciles is not null && deciles.TryGetValue(g.Names[0], out var ci))
                TraceAttributes.Set(line, "error_y", TraceAttributes.ErrorBars(points.Select(p => p.y!.Value).ToArray(),
                    points.Select(p => ci[p.d]?.EmCi[0] ?? p.y!.Value).ToArray(), points.Select(p => ci[p.d]?.EmCi[1] ?? p.y!.Value).ToArray()));
            return line;
        }).ToList();
        var chart = CS.Chart.Combine(lines);
        var counts = deciles?.Values.FirstOrDefault();
        var xTitle = "normalised commit position (decile centre, %)" + (counts is null ? "" : "; tick label: tasks per decile (n)");
        chart = BenchReport.Titled(chart, $"Evolution track ({summary.Config.Name}): CR-test EM along the history" +
            (counts is null ? " (no per-decile CIs recorded)" : "; bars: 95 % CI"), xTitle, "exact match (%)");
        if (counts is not null)
        {
            TraceAttributes.SetXAxis(chart, "tickvals", centres);
            TraceAttributes.SetXAxis(chart, "ticktext", centres.Select((x, d) => $"{x:0}<br>n={counts[d]?.N ?? 0}").ToArray());
        }
        return chart;
    }

    /// <summary>Cosine of the GRU context and of the adapter to the previous commit's, and of the adapter to the first commit's,
    /// along one repository's kept commits.</summary>
    public static GenericChart Trajectory(Hyper.AdapterTrajectory t)
    {
        var x = Enumerable.Range(0, t.Shas.Count).Select(i => (double)i).ToArray();
        var lines = new[]
        {
            CS.Chart.Line<double, double, string>(x: x, y: t.ContextToPrevious, Name: "context vs previous commit"),
            CS.Chart.Line<double, double, string>(x: x, y: t.AdapterToPrevious, Name: "adapter vs previous commit"),
            CS.Chart.Line<double, double, string>(x: x, y: t.AdapterToFirst, Name: "adapter vs first commit"),
        };
        return BenchReport.Titled(CS.Chart.Combine(lines), $"{t.RepoId}: how Evo's state and adapter move per kept commit", "kept commit", "cosine");
    }
}
