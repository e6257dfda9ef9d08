using System.Net;
using System.Text.RegularExpressions;
using Code2Lora.Runtime;
using Plotly.NET;

namespace Code2Lora.Reporting;

/// <summary>Writes charts as files: interactive HTML for results/, PNG (2×), SVG and PDF for write-ups, PNG bytes for
/// notebook outputs.  All pictures are drawn offline by plotly.js in headless Chromium, in the package's style.</summary>
public static class FigureExport
{
    // Plotly.NET embeds its plotly.js as a resource named after the version (e.g. Plotly.NET.plotly-2.28.0.min.js).
    private static readonly Lazy<string> PlotlyResource = new(() =>
        typeof(GenericChart).Assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(".min.js", StringComparison.Ordinal) && n.Contains("plotly"))
        ?? throw new InvalidOperationException("Plotly.NET carries no embedded plotly.js; charts cannot be shown offline."));
    private static readonly Lazy<string> PlotlyText = new(() =>
    {
        using var s = typeof(GenericChart).Assembly.GetManifestResourceStream(PlotlyResource.Value)!;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
    // One scratch folder per process holds plotly.js once; pages come and go beside it.
    private static readonly Lazy<string> ScratchDir = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("c2l-figures-").FullName;
        File.WriteAllText(Path.Combine(dir, PlotlyScript), PlotlyJs());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    });

    /// <summary>File name of the plotly.js copy written once beside the figures (the embedded version's name).</summary>
    public static string PlotlyScript => PlotlyResource.Value["Plotly.NET.".Length..];

    /// <summary>The full plotly.js that Plotly.NET embeds.</summary>
    public static string PlotlyJs() => PlotlyText.Value;

    /// <summary>Whether pictures (PNG, SVG, PDF) can be drawn here: headless Chromium is installed (Debian: <c>apt-get install chromium</c>,
    /// or point <c>C2L_CHROMIUM</c> at a Chrome binary).</summary>
    public static bool CanRender => Chromium.Find() is not null;

    /// <summary>
    /// Writes <c>name.html</c> into <paramref name="dir"/> (and <c>name.png</c> at 1× when Chromium is installed); returns the paths written.
    /// The HTML loads a plotly.js copied into the same folder, so it works offline without a 3.5 MB script per figure.
    /// A figure whose page is unchanged keeps its PNG: Chromium's pixels vary between renders, and a committed figure of the same
    /// numbers should not show up as modified.
    /// </summary>
    public static IReadOnlyList<string> Save(GenericChart chart, string dir, string name, int width = 1000, int height = 600, bool png = true)
    {
        Directory.CreateDirectory(dir);
        var script = Path.Combine(dir, PlotlyScript);
        if (!File.Exists(script)) AtomicFile.WriteText(script, PlotlyJs());
        var html = Path.Combine(dir, name + ".html");
        var page = FigurePage.Html(chart, name, width, height, PlotlyScript, FigurePageUse.Interactive);
        var unchanged = File.Exists(html) && File.ReadAllText(html) == page;
        if (!unchanged) AtomicFile.WriteText(html, page);
        var written = new List<string> { html };
        var pngPath = Path.Combine(dir, name + ".png");
        if (png && unchanged && File.Exists(pngPath)) written.Add(pngPath);
        else if (png && Png(chart, width, height) is { } bytes)
        {
            AtomicFile.WriteBytes(pngPath, bytes);
            written.Add(pngPath);
        }
        return written;
    }

    /// <summary>
    /// The export for write-ups: <c>name.png</c> (2× scale), <c>name.svg</c> and <c>name.pdf</c> (vector) in <paramref name="dir"/>,
    /// drawn at <paramref name="width"/> × <paramref name="height"/> CSS pixels; returns the paths.  Throws when Chromium is
    /// missing or fails, since a write-up needs every format.
    /// </summary>
    public static IReadOnlyList<string> Export(GenericChart chart, string dir, string name, int width = 900, int height = 540)
    {
        var chromium = Chromium.Find() ?? throw new InvalidOperationException(
            "figure export needs headless Chromium: install it (Debian/Ubuntu: apt-get install chromium) or set C2L_CHROMIUM to a Chrome binary.");
        Directory.CreateDirectory(dir);
        var (png, svg) = Images(chromium, chart, width, height, scale: 2)
            ?? throw new InvalidOperationException($"Chromium could not draw figure '{name}' (PNG/SVG).");
        var written = new List<string> { Path.Combine(dir, name + ".png"), Path.Combine(dir, name + ".svg"), Path.Combine(dir, name + ".pdf") };
        AtomicFile.WriteBytes(written[0], png);
        AtomicFile.WriteText(written[1], svg);
        var page = WritePage(chart, name, width, height, FigurePageUse.Print);
        try
        {
            var pdfTemp = written[2] + ".tmp";
            if (Chromium.Run(chromium, page, $"--no-pdf-header-footer --print-to-pdf=\"{pdfTemp}\"") is null || !File.Exists(pdfTemp))
                throw new InvalidOperationException($"Chromium could not print figure '{name}' to PDF.");
            File.Move(pdfTemp, written[2], overwrite: true);
        }
        finally { File.Delete(page); }
        return written;
    }

    /// <summary>The chart as PNG bytes (for a notebook output), or null when Chromium is missing or fails.</summary>
    public static byte[]? Png(GenericChart chart, int width = 900, int height = 500, double scale = 1) =>
        Chromium.Find() is { } chromium ? Images(chromium, chart, width, height, scale)?.Png : null;

    private static (byte[] Png, string Svg)? Images(string chromium, GenericChart chart, int width, int height, double scale)
    {
        var page = WritePage(chart, "figure", width, height, FigurePageUse.Export, scale);
        try
        {
            var dom = Chromium.Run(chromium, page, "--dump-dom");
            if (dom is null) return null;
            string Field(string id) => WebUtility.HtmlDecode(Regex.Match(dom, $"<pre id=\"{id}\">(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value);
            var png = Field(FigurePage.PngId);
            var svg = Field(FigurePage.SvgId);
            if (!png.StartsWith("data:image/png;base64,", StringComparison.Ordinal) || !svg.StartsWith("data:image/svg+xml,", StringComparison.Ordinal))
                return null;
            return (Convert.FromBase64String(png["data:image/png;base64,".Length..]), Uri.UnescapeDataString(svg["data:image/svg+xml,".Length..]));
        }
        finally { File.Delete(page); }
    }

    private static string WritePage(GenericChart chart, string title, int width, int height, FigurePageUse use, double scale = 2)
    {
        var page = Path.Combine(ScratchDir.Value, $"page-{Guid.NewGuid():N}.html");
        File.WriteAllText(page, FigurePage.Html(chart, title, width, height, PlotlyScript, use, scale));
        return page;
    }
}
