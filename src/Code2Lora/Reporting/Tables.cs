using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace Code2Lora.Reporting;

/// <summary>DataFrames as Markdown tables, for reports.</summary>
public static class Tables
{
    /// <summary>A GitHub-flavoured Markdown table; numbers are formatted invariantly, doubles with <paramref name="digits"/> decimals.</summary>
    public static string ToMarkdown(DataFrame df, int digits = 3, int maxRows = 200)
    {
        var sb = new StringBuilder();
        var cols = df.Columns.ToList();
        sb.Append("| ").Append(string.Join(" | ", cols.Select(c => Escape(c.Name)))).AppendLine(" |");
        sb.Append('|').Append(string.Join("|", cols.Select(c => IsNumeric(c) ? "---:" : "---"))).AppendLine("|");
        for (long r = 0; r < Math.Min(df.Rows.Count, maxRows); r++)
            sb.Append("| ").Append(string.Join(" | ", cols.Select(c => Escape(Format(c[r], digits))))).AppendLine(" |");
        if (df.Rows.Count > maxRows) sb.AppendLine($"\n({df.Rows.Count - maxRows} more rows)");
        return sb.ToString();
    }

    private static bool IsNumeric(DataFrameColumn c) => c.DataType != typeof(string) && c.DataType != typeof(bool) && c.DataType != typeof(DateTime);

    private static string Format(object? v, int digits) => v switch
    {
        null => "",
        double d => d.ToString("F" + digits, CultureInfo.InvariantCulture),
        float f => f.ToString("F" + digits, CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
