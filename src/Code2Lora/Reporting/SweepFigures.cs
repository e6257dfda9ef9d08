using Code2Lora.Experiments.Sweeps;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>The figure of a sweep: target NLL per point, one marked line per method and split, mean over seeds with ±1 across-seed SD.</summary>
public static class SweepFigures
{
    /// <summary>Each method and split's mean NLL at every point it was scored at, with ±1 SD across seeds as error bars. Markers on an
    /// axis that fits the values, not bars from 0: the differences a sweep looks for are a few hundredths of a nat.</summary>
    public static GenericChart Nll(SweepTable table)
    {
        var symbols = new[] { "circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon" };
        var traces = new List<GenericChart>();
        foreach (var (group, i) in table.Rows.Where(r => r.Nll is not null).GroupBy(r => (r.Method, r.Split)).Select((g, i) => (g, i)))
        {
            var rows = table.Points.Select(p => group.FirstOrDefault(r => r.Point == p.Label)).OfType<SweepRow>().ToList();
            var values = rows.Select(r => r.Nll!.Mean).ToArray();
            var sd = rows.Select(r => r.Nll!.Sd ?? 0).ToArray();
            var line = CS.Chart.Line<string, double, string>(x: rows.Select(r => r.Point).ToArray(), y: values, Name: $"{group.Key.Method} {group.Key.Split}", ShowMarkers: true);
            TraceAttributes.Set(line, "marker", new Dictionary<string, object> { ["symbol"] = symbols[i % symbols.Length], ["size"] = 9 });
            TraceAttributes.Set(line, "error_y", TraceAttributes.ErrorBars(values, values.Zip(sd, (v, s) => v - s).ToArray(), values.Zip(sd, (v, s) => v + s).ToArray()));
            traces.Add(line);
        }
        var title = $"Sweep of {table.Config} ({table.Seeds.Count} seed{(table.Seeds.Count == 1 ? "" : "s")}): target NLL per point; bars ±1 SD across seeds";
        var chart = traces.Count == 0 ? CS.Chart.Line<string, double, string>(x: Array.Empty<string>(), y: Array.Empty<double>()) : CS.Chart.Combine(traces);
        return BenchReport.Titled(chart, title, "point", "target NLL (nats/token, lower is better)");
    }

    /// <summary>One metric of one method and split against a numeric axis on a log scale: every seed as a marker and the log-linear fit
    /// y = a + b·ln x as a line, titled with its equation and R² (the paper's Table 10 plot over the number of training repositories).</summary>
    public static GenericChart Fit(IReadOnlyList<(double X, double Y)> seeds, Evaluation.Statistics.LogLinearFit fit, string xTitle, string yTitle, string what)
    {
        var points = CS.Chart.Point<double, double, string>(x: seeds.Select(s => s.X).ToArray(), y: seeds.Select(s => s.Y).ToArray(), Name: "one seed");
        TraceAttributes.Set(points, "marker", new Dictionary<string, object> { ["size"] = 9 });
        var xs = seeds.Select(s => s.X).Distinct().Order().ToArray();
        var grid = Enumerable.Range(0, 50).Select(i => Math.Exp(Math.Log(xs[0]) + (Math.Log(xs[^1]) - Math.Log(xs[0])) * i / 49)).ToArray();
        var line = CS.Chart.Line<double, double, string>(x: grid, y: grid.Select(fit.At).ToArray(), Name: "log-linear fit");
        var sign = fit.Slope < 0 ? "−" : "+";
        var title = FormattableString.Invariant($"{what}: y = {fit.Intercept:F3} {sign} {Math.Abs(fit.Slope):F3}·ln x (R² {fit.RSquared:F3}, {fit.Points} runs)");
        return TraceAttributes.SetXAxis(BenchReport.Titled(CS.Chart.Combine([points, line]), title, xTitle, yTitle), "type", "log");
    }
}
