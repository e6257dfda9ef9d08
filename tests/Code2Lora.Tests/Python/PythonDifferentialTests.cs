using Code2Lora.Python;
using Xunit.Abstractions;

namespace Code2Lora.Tests.Python;

/// <summary>The port against CPython 3.11's own tokenize and ast on the Python files installed on this machine.</summary>
public class PythonDifferentialTests(ITestOutputHelper output)
{
    private const string StdlibDir = "/usr/lib/python3.11";
    private const string DistPackagesDir = "/usr/lib/python3/dist-packages";

    [Fact]
    public void Tokens_agree_with_cpython_on_stdlib_modules()
    {
        if (!Directory.Exists(StdlibDir)) return; // no CPython install to compare with on this machine
        var files = Directory.GetFiles(StdlibDir, "*.py").Order(StringComparer.Ordinal).Take(150).ToList();
        Assert.NotEmpty(files);

        var report = PythonDifferential.Run(files);
        output.WriteLine(report.ToMarkdown());

        Assert.Equal(files.Count, report.Files);
        Assert.True(report.TokensCompared > 100_000, $"only {report.TokensCompared} tokens compared");
        Assert.True(report.TokenAgreement >= 0.999, report.ToMarkdown());
        Assert.Empty(report.Rejections.PortOnly); // the Python 2 rules never refuse a module CPython parses
    }

    [Fact]
    public void Assertion_family_counts_agree_with_cpython_ast_on_installed_test_files()
    {
        if (!Directory.Exists(DistPackagesDir)) return;
        var files = Directory.EnumerateFiles(DistPackagesDir, "test*.py", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(300).ToList();
        if (files.Count == 0) return;

        var report = PythonDifferential.Run(files);
        output.WriteLine(report.ToMarkdown());

        var familyTotal = report.FamilyTotals.Values.Sum(v => v.CPython);
        if (files.Count >= 20) Assert.True(familyTotal > 500, $"only {familyTotal} assertions in {files.Count} files:\n{report.ToMarkdown()}");
        Assert.True(report.FamilyAgreement >= 0.99, report.ToMarkdown());
        Assert.True(report.TargetAgreement >= 0.99, report.ToMarkdown());
        Assert.True(report.TokenAgreement >= 0.999, report.ToMarkdown());
        Assert.Empty(report.Rejections.PortOnly);
    }
}
