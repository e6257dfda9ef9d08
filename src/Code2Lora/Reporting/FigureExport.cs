using System.Diagnostics;
using Code2Lora.Runtime;
using Plotly.NET;

namespace Code2Lora.Reporting;

/// <summary>Saves Plotly.NET charts as offline HTML (one shared plotly.js per folder) and, when Chromium is present, PNG.</summary>
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

    /// <summary>File name of the plotly.js copy written once beside the figures (the embedded version's name).</summary>
    public static string PlotlyScript => PlotlyResource.Value["Plotly.NET.".Length..];

    /// <summary>
    /// Writes <c>name.html</c> into <paramref name="dir"/> (and <c>name.png</c> if Chromium is installed); returns the paths written.
    /// The HTML references a plotly.js copied into the same folder, so it renders offline without a 3.5 MB script per figure.
    /// A figure whose page is unchanged keeps its PNG: Chromium's pixels vary between renders, and a committed figure of the same
    /// numbers should not show up as modified.
    /// </summary>
    public static IReadOnlyList<string> Save(GenericChart chart, string dir, string name, int width = 1000, int height = 600, bool png = true)
    {
        Directory.CreateDirectory(dir);
        EnsurePlotlyScript(dir);
        var html = Path.Combine(dir, name + ".html");
        var page = Page(chart, name, width, height);
        var unchanged = File.Exists(html) && File.ReadAllText(html) == page;
        if (!unchanged) AtomicFile.WriteText(html, page);
        var written = new List<string> { html };
        var pngPath = Path.Combine(dir, name + ".png");
        if (png && unchanged && File.Exists(pngPath)) written.Add(pngPath);
        else if (png && Chromium.Find() is { } chromium)
        {
            // The PNG is a static picture: render a twin page without Plotly's interactive toolbar.
            var still = Path.Combine(dir, $".{name}.still.html");
            File.WriteAllText(still, page.Replace("</head>", "<style>.modebar-container{display:none!important}</style></head>"));
            try { if (Chromium.Screenshot(chromium, still, pngPath, width + 20, height + 20)) written.Add(pngPath); }
            finally { File.Delete(still); }
        }
        return written;
    }

    /// <summary>A self-contained HTML page for one chart that loads plotly.js from the same folder.</summary>
    public static string Page(GenericChart chart, string title, int width, int height)
    {
        var sized = Chart.withSize((double)width, (double)height).Invoke(chart);
        // Plotly.NET names the div with a random GUID; a fixed id keeps re-generated figures byte-identical in git.
        var fragment = System.Text.RegularExpressions.Regex.Replace(GenericChart.toChartHTML(sized),
            "[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", "c2l_figure");
        return $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>
            <script src="{PlotlyScript}"></script></head>
            <body style="margin:0">{fragment}</body></html>
            """;
    }

    /// <summary>The full plotly.js that Plotly.NET embeds, for notebooks that must render offline.</summary>
    public static string PlotlyJs() => PlotlyText.Value;

    private static void EnsurePlotlyScript(string dir)
    {
        var path = Path.Combine(dir, PlotlyScript);
        if (!File.Exists(path)) AtomicFile.WriteText(path, PlotlyJs());
    }
}

/// <summary>Headless Chromium, used only to turn chart pages into PNG files.</summary>
internal static class Chromium
{
    public static string? Find() =>
        new[] { Environment.GetEnvironmentVariable("C2L_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Renders a local HTML file to PNG; false (never an exception) when Chromium fails, since PNGs are a convenience.</summary>
    public static bool Screenshot(string chromium, string html, string png, int width, int height)
    {
        var profile = Directory.CreateTempSubdirectory("c2l-chromium-").FullName;
        try
        {
            // The network flags stop Chromium's background connections, which this offline machine refuses loudly.
            var args = $"--headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking --disable-component-update " +
                       $"--disable-sync --no-first-run --hide-scrollbars --user-data-dir=\"{profile}\" --screenshot=\"{Path.GetFullPath(png)}\" " +
                       $"--window-size={width},{height} --virtual-time-budget=5000 \"file://{Path.GetFullPath(html)}\"";
            using var p = Process.Start(new ProcessStartInfo(chromium, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
            p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(entireProcessTree: true); return false; }
            return p.ExitCode == 0 && File.Exists(png);
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
        finally { try { Directory.Delete(profile, true); } catch (IOException) { } }
    }
}
