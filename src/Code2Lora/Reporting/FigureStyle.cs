using System.Text.Json;
using System.Text.Json.Nodes;

namespace Code2Lora.Reporting;

/// <summary>The one look of every figure the package draws (results/, results/figures/, notebook outputs): font, a
/// colour-blind-safe palette, white background, light grid, axis lines.</summary>
/// <remarks>
/// The style is a plotly.js layout template that the page drawing a figure sets (<see cref="FigurePage"/>), so every
/// output of a chart (interactive HTML, PNG, SVG, PDF) looks the same, and a chart's own settings (titles, axis ranges,
/// a trace's colour) still win over it.
/// </remarks>
public static class FigureStyle
{
    /// <summary>Okabe and Ito's palette (Color Universal Design): distinguishable under the common colour-vision deficiencies
    /// and in greyscale print; the order puts the most distinct pairs first.</summary>
    public static readonly IReadOnlyList<string> Palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

    /// <summary>Font stack: DejaVu Sans ships with Debian's Chromium, so PNG/SVG/PDF renders agree across machines.</summary>
    public const string FontFamily = "DejaVu Sans, Arial, Helvetica, sans-serif";

    /// <summary>Base font size in points (tick labels; titles are larger).</summary>
    public const int FontSize = 13;

    /// <summary>The continuous colour scale of heatmaps: viridis is perceptually uniform and colour-blind safe.</summary>
    public const string ContinuousScale = "Viridis";

    /// <summary>The style as a plotly.js template object.</summary>
    public static JsonObject Template()
    {
        JsonObject Axis() => new()
        {
            ["showline"] = true, ["linecolor"] = "#444444", ["linewidth"] = 1, ["mirror"] = false,
            ["ticks"] = "outside", ["tickcolor"] = "#444444", ["gridcolor"] = "#E5E5E5", ["zeroline"] = false,
            ["automargin"] = true, ["title"] = new JsonObject { ["standoff"] = 8 },
        };
        return new JsonObject
        {
            ["layout"] = new JsonObject
            {
                ["font"] = new JsonObject { ["family"] = FontFamily, ["size"] = FontSize, ["color"] = "#222222" },
                ["title"] = new JsonObject { ["x"] = 0.0, ["xref"] = "paper", ["y"] = 0.97, ["yanchor"] = "top", ["font"] = new JsonObject { ["size"] = FontSize + 3 } },
                ["colorway"] = new JsonArray(Palette.Select(c => (JsonNode?)c).ToArray()),
                ["colorscale"] = new JsonObject { ["sequential"] = ContinuousScale, ["diverging"] = "RdBu" },
                ["paper_bgcolor"] = "#FFFFFF",
                ["plot_bgcolor"] = "#FFFFFF",
                ["xaxis"] = Axis(),
                ["yaxis"] = Axis(),
                // A horizontal legend above the plot keeps the full width for the data (long method names would take a third of it).
                ["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 0.0, ["xanchor"] = "left", ["y"] = 1.0, ["yanchor"] = "bottom", ["bgcolor"] = "rgba(255,255,255,0)" },
                ["margin"] = new JsonObject { ["l"] = 70, ["r"] = 30, ["t"] = 100, ["b"] = 60 },
                ["hoverlabel"] = new JsonObject { ["font"] = new JsonObject { ["family"] = FontFamily } },
            },
            ["data"] = new JsonObject
            {
                ["bar"] = new JsonArray(new JsonObject
                {
                    ["error_y"] = new JsonObject { ["color"] = "#222222", ["thickness"] = 1.5, ["width"] = 4 },
                    ["textfont"] = new JsonObject { ["size"] = FontSize - 1 },
                    ["constraintext"] = "none",
                }),
                ["heatmap"] = new JsonArray(new JsonObject { ["colorscale"] = ContinuousScale }),
            },
        };
    }

    /// <summary>The template as JSON text for a page.</summary>
    public static string TemplateJson() => Template().ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
