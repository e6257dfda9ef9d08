using System.Globalization;
using System.Text;

namespace Code2Lora.Python;

/// <summary>One file where the C# port and CPython disagree, with the first difference found.</summary>
public sealed record DifferentialDisagreement(string Path, string Kind, string FirstDifference);

/// <summary>
/// Files that CPython's <c>ast.parse</c> or the port refuses to parse: how many each side rejects, how many both do, and by
/// which category (the port's message up to ": ", or CPython's message for the files only CPython rejects).
/// </summary>
public sealed class ParseRejections
{
    /// <summary>Files CPython's ast rejects.</summary>
    public int CPython { get; private set; }
    /// <summary>Files the port rejects.</summary>
    public int Port { get; private set; }
    /// <summary>Files both reject (agreement).</summary>
    public int Both { get; private set; }
    /// <summary>For files both reject: the port's category → files.</summary>
    public SortedDictionary<string, int> BothByCategory { get; } = new(StringComparer.Ordinal);
    /// <summary>For files only CPython rejects: CPython's message → files.</summary>
    public SortedDictionary<string, int> CPythonOnly { get; } = new(StringComparer.Ordinal);
    /// <summary>For files only the port rejects: the port's category → files.</summary>
    public SortedDictionary<string, int> PortOnly { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts one file from both sides' errors (null = parsed).</summary>
    public void Add(string? cpythonError, string? portError)
    {
        if (cpythonError is not null) CPython++;
        if (portError is not null) Port++;
        if (cpythonError is not null && portError is not null) { Both++; Bump(BothByCategory, Category(portError)); }
        else if (cpythonError is not null) Bump(CPythonOnly, cpythonError.Split(" (", 2)[0]);
        else if (portError is not null) Bump(PortOnly, Category(portError));
    }

    /// <summary>A port message without its variable detail and position: the part before ": " and " (line".</summary>
    public static string Category(string message) => message.Split(" (line ", 2)[0].Split(": ", 2)[0];

    private static void Bump(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}

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
    /// <summary>Files either side could not parse, by category (Python 2 syntax among them).</summary>
    public ParseRejections Rejections { get; init; } = new();

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
        sb.AppendLine();
        sb.AppendLine(string.Format(c, "Files that do not parse: CPython's ast rejects {0}, the port {1}, both {2}.", Rejections.CPython, Rejections.Port, Rejections.Both));
        if (Rejections.CPython + Rejections.Port > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| rejected by | reason | files |");
            sb.AppendLine("|---|---|---|");
            foreach (var (side, counts) in new[] { ("both", Rejections.BothByCategory), ("CPython only", Rejections.CPythonOnly), ("port only", Rejections.PortOnly) })
                foreach (var (reason, files) in counts)
                    sb.AppendLine(string.Format(c, "| {0} | {1} | {2} |", side, reason.Replace("|", "\\|"), files));
        }
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
