using Code2Lora.Experiments.Sweeps;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>The figure of a sweep: target NLL per point, one bar per method and split, mean over seeds with ±1 across-seed SD.</summary>
public static class SweepFigures
{
    /// <summary>Grouped bars of each point's mean NLL (a split a method is not scored on has no bar); error bars ±1 SD across seeds.</summary>
    public static GenericChart Nll(SweepTable table)
    {
        var points = table.Points.Select(p => p.Label).ToArray();
        var traces = new List<GenericChart>();
        foreach (var group in table.Rows.Where(r => r.Nll is not null).GroupBy(r => (r.Method, r.Split)))
        {
            var byPoint = group.ToDictionary(r => r.Point, r => r.Nll!);
            var values = points.Select(p => byPoint.TryGetValue(p, out var s) ? s.Mean : 0).ToArray();
            var sd = points.Select(p => byPoint.TryGetValue(p, out var s) ? s.Sd ?? 0 : 0).ToArray();
            var bar = CS.Chart.Column<double, string, string>(values: values, Keys: points, Name: $"{group.Key.Method} {group.Key.Split}");
            TraceAttributes.Set(bar, "error_y", TraceAttributes.ErrorBars(values, values.Zip(sd, (v, s) => v - s).ToArray(), values.Zip(sd, (v, s) => v + s).ToArray()));
            traces.Add(bar);
        }
        var title = $"Sweep of {table.Config} ({table.Seeds.Count} seed{(table.Seeds.Count == 1 ? "" : "s")}): target NLL per point; bars ±1 SD across seeds";
        return BenchReport.Titled(traces.Count == 0 ? CS.Chart.Column<double, string, string>(values: Array.Empty<double>(), Keys: Array.Empty<string>()) : CS.Chart.Combine(traces), title, "point", "target NLL (nats/token)");
    }
}
