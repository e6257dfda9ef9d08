using System.Net;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace Code2Lora.Reporting;

/// <summary>What a figure page is for.</summary>
internal enum FigurePageUse
{
    /// <summary>An interactive page (zoom, hover, the toolbar).</summary>
    Interactive,
    /// <summary>A still page sized to the figure, for printing to PDF.</summary>
    Print,
    /// <summary>A page that draws the figure and writes plotly.js's own PNG and SVG exports into the DOM.</summary>
    Export,
}

/// <summary>The HTML page that draws one chart with plotly.js in the package's style (<see cref="FigureStyle"/>).</summary>
/// <remarks>
/// The page carries the chart as plotly.js figure JSON (Plotly.NET's own serialisation) and replaces Plotly.NET's
/// template with the package's, so every output of a chart is drawn by the same code in the same style.  No random ids
/// are written: regenerating a figure from the same data gives the same bytes.
/// </remarks>
internal static class FigurePage
{
    /// <summary>Element ids the export page fills with data: URLs (or an error message).</summary>
    public const string PngId = "c2l_png", SvgId = "c2l_svg", ErrorId = "c2l_error";

    /// <summary>The figure as plotly.js JSON with the package's template, size fixed.</summary>
    public static JsonObject Figure(GenericChart chart, int width, int height)
    {
        var figure = (JsonObject)JsonNode.Parse(GenericChart.toFigureJson(chart))!;
        var layout = figure["layout"] as JsonObject ?? new JsonObject();
        layout["template"] = FigureStyle.Template();
        layout["width"] = width;
        layout["height"] = height;
        figure["layout"] = layout;
        figure.Remove("frames");
        return figure;
    }

    /// <summary>The page: <paramref name="plotlySrc"/> is the plotly.js file, relative to the page.</summary>
    public static string Html(GenericChart chart, string title, int width, int height, string plotlySrc, FigurePageUse use, double scale = 2)
    {
        var figure = Figure(chart, width, height).ToJsonString();
        var config = use == FigurePageUse.Interactive ? "{displaylogo: false, responsive: false}" : "{staticPlot: true}";
        var after = use != FigurePageUse.Export ? "" : $$"""
            .then(function (gd) {
              return Promise.all([Plotly.toImage(gd, {format: 'png', scale: {{scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}), Plotly.toImage(gd, {format: 'svg'})]);
            }).then(function (images) {
              document.getElementById('{{PngId}}').textContent = images[0];
              document.getElementById('{{SvgId}}').textContent = images[1];
            }).catch(function (e) { document.getElementById('{{ErrorId}}').textContent = String(e); })
            """;
        var pre = use != FigurePageUse.Export ? "" : $"<pre id=\"{PngId}\"></pre><pre id=\"{SvgId}\"></pre><pre id=\"{ErrorId}\"></pre>";
        return $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
            <script src="{{plotlySrc}}"></script>
            <style>body { margin: 0 } @page { size: {{width}}px {{height}}px; margin: 0 }</style></head>
            <body><div id="c2l_figure" style="width:{{width}}px;height:{{height}}px"></div>{{pre}}
            <script>
            var figure = {{figure}};
            Plotly.newPlot('c2l_figure', figure.data, figure.layout, {{config}}){{after}};
            </script></body></html>
            """;
    }
}
