using System.Buffers.Binary;
using Code2Lora.Reporting;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

namespace Code2Lora.Tests.Reporting;

/// <summary>The export API writes PNG (2×), SVG and PDF drawn by plotly.js in headless Chromium, in the package's style.</summary>
public class FigureExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-fig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GenericChart Bars() =>
        BenchReport.Titled(CS.Chart.Column<double, string, string>(values: new[] { 1.5, 0.0 }, Keys: new[] { "with", "without" }, Name: "EM"), "Export check", "method", "EM (%)");

    [Fact]
    public void ExportWritesPng2xSvgAndPdfInThePackageStyle()
    {
        Assert.True(FigureExport.CanRender, "Chromium is needed for figures (scripts/install.sh installs it)");
        var files = FigureExport.Export(Bars(), _dir, "bars", width: 400, height: 300);

        Assert.Equal(["bars.png", "bars.svg", "bars.pdf"], files.Select(Path.GetFileName));
        var png = File.ReadAllBytes(files[0]);
        Assert.Equal((800, 600), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        var svg = File.ReadAllText(files[1]);
        Assert.StartsWith("<svg", svg);
        Assert.Contains("Export check", svg);
        Assert.Contains("EM (%)", svg);
        Assert.Contains("rgb(0, 114, 178)", svg);                                 // the palette's first colour (#0072B2)
        Assert.Contains("DejaVu Sans", svg);
        Assert.StartsWith("%PDF-", File.ReadAllText(files[2])[..5]);
    }

    [Fact]
    public void PagesCarryTheStyleAndAreDeterministic()
    {
        var a = FigureExport.Save(Bars(), _dir, "page", png: false);
        var first = File.ReadAllText(a[0]);
        FigureExport.Save(Bars(), _dir, "page", png: false);
        Assert.Equal(first, File.ReadAllText(a[0]));                               // no random div ids: regenerated figures diff clean
        Assert.Contains(FigureExport.PlotlyScript, first);
        Assert.Contains("\"colorway\":[\"#0072B2\"", first);
        Assert.DoesNotContain("rgba(229, 236, 246", first);                       // Plotly.NET's own template is replaced
    }

    [Fact]
    public void PngForNotebooksIsOneTimesTheLayoutSize()
    {
        var png = FigureExport.Png(Bars(), 300, 200);
        Assert.NotNull(png);
        Assert.Equal((300, 200), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
    }
}
