using System.Globalization;
using System.Text;

namespace Code2Lora.Python;

/// <summary>One file where the C# port and CPython disagree, with the first difference found.</summary>
public sealed record DifferentialDisagreement(string Path, string Kind, string FirstDifference);

/// <summary>
/// Outcome of <see cref="PythonDifferential.Run"/>: token agreement (index-aligned), family-count agreement and
/// target agreement (multiset of family, line, target) with CPython over a file set.
/// </summary>
public sealed record DifferentialReport(
    int Files,
    long TokensCompared,
    double TokenAgreement,
    double FileTokenAgreement,
    double FamilyAgreement,
    double FileFamilyAgreement,
    double TargetAgreement,
    IReadOnlyDictionary<string, (int CPython, int Port)> FamilyTotals,
    IReadOnlyList<DifferentialDisagreement> Disagreements)
{
    /// <summary>A short Markdown summary with the disagreements (first 50).</summary>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| files | tokens compared | token agreement | files token-identical | family-count agreement | files family-identical | target agreement |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        sb.AppendLine(string.Format(c, "| {0} | {1} | {2:P3} | {3:P2} | {4:P3} | {5:P2} | {6:P3} |",
            Files, TokensCompared, TokenAgreement, FileTokenAgreement, FamilyAgreement, FileFamilyAgreement, TargetAgreement));
        sb.AppendLine();
        sb.AppendLine("| family | CPython ast | port |");
        sb.AppendLine("|---|---|---|");
        foreach (var (family, (py, port)) in FamilyTotals.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.AppendLine(string.Format(c, "| {0} | {1} | {2} |", family, py, port));
        if (Disagreements.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| file | kind | first difference |");
            sb.AppendLine("|---|---|---|");
            foreach (var d in Disagreements.Take(50))
                sb.AppendLine($"| {d.Path} | {d.Kind} | {d.FirstDifference.Replace("|", "\\|").Replace("\n", "\\n")} |");
        }
        return sb.ToString();
    }
}
