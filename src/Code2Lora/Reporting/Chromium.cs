using System.Diagnostics;

namespace Code2Lora.Reporting;

/// <summary>Headless Chromium: turns figure pages into PNG, SVG and PDF files offline.</summary>
internal static class Chromium
{
    /// <summary>The browser to use: $C2L_CHROMIUM, else the Debian/Ubuntu/Chrome locations; null when none is installed.</summary>
    public static string? Find() =>
        new[] { Environment.GetEnvironmentVariable("C2L_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Runs Chromium headless on a local page with <paramref name="action"/> (e.g. --dump-dom, --print-to-pdf=…);
    /// returns its standard output, or null when it failed or ran over a minute.</summary>
    public static string? Run(string chromium, string page, string action)
    {
        var profile = Directory.CreateTempSubdirectory("c2l-chromium-").FullName;
        try
        {
            // The network flags stop Chromium's background connections, which an offline machine refuses loudly; the
            // virtual time budget lets the page's promises (plotly.js drawing and exporting) finish before the action.
            var args = "--headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking --disable-component-update " +
                       $"--disable-sync --no-first-run --hide-scrollbars --user-data-dir=\"{profile}\" --virtual-time-budget=20000 " +
                       $"{action} \"file://{Path.GetFullPath(page)}\"";
            using var p = Process.Start(new ProcessStartInfo(chromium, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(entireProcessTree: true); return null; }
            return p.ExitCode == 0 ? stdout.Result : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
        finally { try { Directory.Delete(profile, true); } catch (IOException) { } }
    }
}
