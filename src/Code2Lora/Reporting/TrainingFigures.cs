using Plotly.NET;
using Plotly.NET.CSharp;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Reporting;

/// <summary>Figures of a training run: loss curves and the process's memory over steps.</summary>
public static class TrainingFigures
{
    /// <summary>Training loss per logged step (and held-out loss where measured) against the optimizer step.</summary>
    public static GenericChart LossCurve(IReadOnlyList<(int Step, double Loss)> train, IReadOnlyList<(int Step, double Loss)> heldOut, string title)
    {
        var lines = new List<GenericChart>
        {
            CS.Chart.Line<int, double, string>(x: train.Select(p => p.Step).ToArray(), y: train.Select(p => p.Loss).ToArray(), Name: "train"),
        };
        if (heldOut.Count > 0)
            lines.Add(CS.Chart.Line<int, double, string>(x: heldOut.Select(p => p.Step).ToArray(), y: heldOut.Select(p => p.Loss).ToArray(),
                Name: "held-out", ShowMarkers: true));
        return BenchReport.Titled(CS.Chart.Combine(lines), title, "optimizer step", "cross-entropy (nats / token)");
    }

    /// <summary>Resident memory (MiB) against the optimizer step: a flat line means no native-memory creep.</summary>
    public static GenericChart Memory(IReadOnlyList<(int Step, double RssMiB)> rss, string title) =>
        BenchReport.Titled(CS.Chart.Line<int, double, string>(x: rss.Select(p => p.Step).ToArray(), y: rss.Select(p => p.RssMiB).ToArray(), Name: "RSS"),
            title, "optimizer step", "resident memory (MiB)");
}
