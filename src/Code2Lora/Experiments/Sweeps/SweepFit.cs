using System.Globalization;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>The log-linear fit of one metric over a sweep with one numeric axis: the paper's Table 10 (CR-test EM against the
/// number of training repositories) is this fit over <c>train_repositories</c>.</summary>
public static class SweepFit
{
    /// <summary>Fits every finished seed's <paramref name="metric"/> of <paramref name="method"/> on <paramref name="split"/> against the
    /// axis value of its point; the default point, whose axis value is the config's own (e.g. null = every repository), is placed at
    /// <paramref name="defaultX"/> or left out when that is null.</summary>
    public static LogLinearFit Of(SweepTable table, string method, string split, Func<SweepRow, SeedSpread?> metric, double? defaultX = null)
    {
        var points = Points(table, method, split, metric, defaultX);
        return LogLinearFit.Of(points.Select(p => p.X).ToList(), points.Select(p => p.Y).ToList());
    }

    /// <summary>The (axis value, one seed's metric) pairs that <see cref="Of"/> fits, for a plot of the seeds beside the fit.</summary>
    public static IReadOnlyList<(double X, double Y)> Points(SweepTable table, string method, string split, Func<SweepRow, SeedSpread?> metric, double? defaultX = null)
    {
        if (table.Grid.Count != 1) throw new ArgumentException($"a fit needs a sweep over one axis; this one has {table.Grid.Count} ({string.Join(", ", table.Grid.Keys)}).");
        var points = new List<(double, double)>();
        foreach (var row in table.Rows.Where(r => r.Method == method && r.Split == split))
        {
            var point = table.Points.First(p => p.Label == row.Point);
            double? x = point.IsDefault ? defaultX : AxisValue(point);
            if (x is null || metric(row) is not { } values) continue;
            points.AddRange(values.PerSeed.Select(y => (x.Value, y)));
        }
        return points;
    }

    private static double AxisValue(SweepPointEntry point)
    {
        var text = point.Overrides.Single();
        var value = text[(text.IndexOf('=') + 1)..];
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x
            : throw new ArgumentException($"point {point.Label}: '{value}' is not a number, so it cannot be fitted.");
    }
}
