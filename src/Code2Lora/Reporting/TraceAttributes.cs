using Plotly.NET;

namespace Code2Lora.Reporting;

/// <summary>plotly.js trace attributes that Plotly.NET's C# API does not reach (asymmetric error bars, colour-bar titles,
/// per-point text), set on the traces' dynamic properties so they serialise with the figure.</summary>
internal static class TraceAttributes
{
    /// <summary>Sets <paramref name="name"/> on every trace of <paramref name="chart"/> and returns the chart.</summary>
    public static GenericChart Set(GenericChart chart, string name, object value)
    {
        foreach (var trace in GenericChart.getTraces(chart)) trace.SetProperty(name, value);
        return chart;
    }

    /// <summary>Sets <paramref name="name"/> on the chart's x axis (which <see cref="BenchReport.Titled"/> creates).</summary>
    public static GenericChart SetXAxis(GenericChart chart, string name, object value)
    {
        var axis = GenericChart.getLayout(chart).TryGetPropertyValue("xaxis");
        if (axis is null || axis.Value is not DynamicObj.DynamicObj obj)
            throw new InvalidOperationException("the chart has no x axis object to style; give it a title first (BenchReport.Titled).");
        obj.SetProperty(name, value);
        return chart;
    }

    /// <summary>Asymmetric error bars from per-point interval ends (e.g. a 95 % CI around a mean).</summary>
    public static Dictionary<string, object> ErrorBars(IReadOnlyList<double> values, IReadOnlyList<double> low, IReadOnlyList<double> high) => new()
    {
        ["type"] = "data",
        ["symmetric"] = false,
        ["array"] = values.Zip(high, (v, h) => Math.Max(0, h - v)).ToArray(),
        ["arrayminus"] = values.Zip(low, (v, l) => Math.Max(0, v - l)).ToArray(),
        ["visible"] = true,
    };

    /// <summary>A colour bar with a title (what the colour encodes, with its unit).</summary>
    public static Dictionary<string, object> ColorBar(string title) => new()
    {
        ["title"] = new Dictionary<string, object> { ["text"] = title, ["side"] = "right" },
    };
}
