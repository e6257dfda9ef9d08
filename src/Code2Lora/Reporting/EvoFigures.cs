using Code2Lora.Experiments;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>Figures of the evolution experiment.</summary>
public static class EvoFigures
{
    /// <summary>CR-test EM per decile of the normalised commit position, one line per method (the paper's Fig. 9 analog).</summary>
    public static GenericChart Drift(EvoSummary summary)
    {
        var x = Enumerable.Range(0, 10).Select(i => i * 10 + 5.0).ToArray();
        var lines = summary.Drift.Select(kv =>
        {
            var points = x.Zip(kv.Value).Where(p => p.Second is not null).ToList();
            return CS.Chart.Line<double, double, string>(x: points.Select(p => p.First).ToArray(), y: points.Select(p => p.Second!.Value).ToArray(),
                Name: kv.Key, ShowMarkers: true);
        }).ToList();
        return BenchReport.Titled(CS.Chart.Combine(lines), $"Evolution track ({summary.Config.Name}): CR-test EM along the history",
            "normalised commit position (decile centre, %)", "EM (%)");
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
