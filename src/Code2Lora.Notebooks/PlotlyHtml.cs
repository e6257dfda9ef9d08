using System.Text.RegularExpressions;
using Plotly.NET;

namespace Code2Lora.Notebooks;

/// <summary>Renders Plotly.NET charts to notebook HTML that works offline, embedding plotly.js once per notebook.</summary>
/// <remarks>
/// Plotly.NET's chart fragment (<see cref="GenericChart.toChartHTML"/>) only calls the global <c>Plotly</c>; its
/// default page loads plotly.js from a CDN and renders blank offline (stack-notes §6), and embedding the 3.6 MB
/// script in every chart would make each chart output 3.6 MB.  Notebook front ends (VS Code, JupyterLab) render all
/// outputs of a notebook into one page, so the first chart of a run carries the script (taken from Plotly.NET's own
/// assembly, so the version always matches) and later charts wait until the global <c>Plotly</c> exists instead of
/// assuming render order.  The cost: a notebook's later charts show only when its first chart output is present.
/// </remarks>
internal sealed partial class PlotlyHtml
{
    private bool _scriptEmbedded;

    [GeneratedRegex(@"(?<call>renderPlotly_[0-9a-fA-F]+)\(\);\s*</script>")]
    private static partial Regex RenderCall();

    /// <summary>The chart as an HTML fragment: (for the first chart) plotly.js, then a div and the script that draws into it.</summary>
    public string ToHtml(GenericChart chart)
    {
        var fragment = RenderCall().Replace(GenericChart.toChartHTML(chart), m =>
            $"(function wait() {{ if (typeof Plotly !== 'undefined') {m.Groups["call"].Value}(); else setTimeout(wait, 50); }})();\n</script>");
        if (_scriptEmbedded) return fragment;
        _scriptEmbedded = true;
        return $"<script type=\"text/javascript\" charset=\"utf-8\">{Code2Lora.Reporting.FigureExport.PlotlyJs()}</script>\n{fragment}";
    }
}
