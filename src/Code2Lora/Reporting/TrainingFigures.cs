using Code2Lora.Training;
using Code2Lora.Training.Pretrain;
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

    /// <summary>The loss curve of a run's metrics log (train rows, and held-out loss where the run measured it).</summary>
    public static GenericChart LossCurve(IReadOnlyList<TrainingLogRow> log, string title) => LossCurve(
        log.Where(r => r.Kind == "train" && r.Loss is not null).Select(r => (r.Step, r.Loss!.Value)).ToList(),
        log.Where(r => r.Kind == "eval" && r.Metrics?.ContainsKey("held_out_loss") == true).Select(r => (r.Step, r.Metrics!["held_out_loss"])).ToList(),
        title);

    /// <summary>The memory trace of a run's metrics log.</summary>
    public static GenericChart Memory(IReadOnlyList<TrainingLogRow> log, string title) =>
        Memory(log.Where(r => r.Kind == "train").Select(r => (r.Step, r.RssMiB)).ToList(), title);

    /// <summary>The copy curve of a pretraining log (<see cref="CopyCurve"/>), two panels side by side against the optimizer step: copy EM (%)
    /// on the left; copy target NLL beside the held-out loss (nats/token) on the right. Null when the log has no copy metrics.</summary>
    public static GenericChart? CopyCurveChart(IReadOnlyList<TrainingLogRow> log, string title)
    {
        var rows = log.Where(r => r.Kind == "eval" && r.Metrics?.ContainsKey(CopyCurve.ExactMatchKey) == true).ToList();
        if (rows.Count == 0) return null;
        var steps = rows.Select(r => r.Step).ToArray();
        GenericChart Series(string key, string name) =>
            CS.Chart.Line<int, double, string>(x: steps, y: rows.Select(r => r.Metrics!.GetValueOrDefault(key, double.NaN)).ToArray(), Name: name, ShowMarkers: true);
        // EM starts at 0 and may stay there for long: a fixed floor of 0 and at least 10 % of headroom keep a flat 0 readable as 0.
        var top = Math.Max(10.0, 1.1 * rows.Max(r => r.Metrics![CopyCurve.ExactMatchKey]));
        var em = Series(CopyCurve.ExactMatchKey, "copy EM (%)")
            .WithXAxisStyle<double, double, string>(TitleText: "optimizer step")
            .WithYAxisStyle<double, double, string>(TitleText: "copy EM (% of the sample)", MinMax: Tuple.Create(0.0, Math.Min(100.0, top)));
        var nll = CS.Chart.Combine([Series(CopyCurve.TargetNllKey, "copy target NLL"), Series("held_out_loss", "held-out loss")])
            .WithXAxisStyle<double, double, string>(TitleText: "optimizer step").WithYAxisStyle<double, double, string>(TitleText: "nats / token");
        return Plotly.NET.Chart.withTitle(title, null).Invoke(CS.Chart.Grid([em, nll], 1, 2));
    }

    /// <summary>Writes loss.{html,png} and memory.{html,png} of the log at <paramref name="metricsPath"/> into <paramref name="outDir"/>,
    /// and copy.{html,png} when the run logged a copy curve.</summary>
    public static void Write(string metricsPath, string outDir, string runName)
    {
        var log = TrainingLog.Read(metricsPath);
        FigureExport.Save(LossCurve(log, $"Training loss: {runName}"), outDir, "loss");
        FigureExport.Save(Memory(log, $"Resident memory: {runName}"), outDir, "memory");
        if (CopyCurveChart(log, $"In-context copy check during training: {runName}") is { } copy) FigureExport.Save(copy, outDir, "copy");
    }
}
