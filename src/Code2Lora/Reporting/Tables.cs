using System.Globalization;
using System.Net;
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
            sb.Append("| ").Append(string.Join(" | ", cols.Select(c => Escape(Format(c[r], "F" + digits))))).AppendLine(" |");
        if (df.Rows.Count > maxRows) sb.AppendLine($"\n({df.Rows.Count - maxRows} more rows)");
        return sb.ToString();
    }

    /// <summary>An HTML table of the first <paramref name="maxRows"/> rows (how notebooks show a DataFrame), with a note
    /// when rows were left out; doubles with <paramref name="digits"/> significant digits.</summary>
    public static string ToHtml(DataFrame df, int maxRows = 50, int digits = 6)
    {
        var cols = df.Columns.ToList();
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var c in cols) sb.Append(IsNumeric(c) ? "<th style=\"text-align:right\">" : "<th>").Append(WebUtility.HtmlEncode(c.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        long shown = Math.Min(df.Rows.Count, maxRows);
        for (long r = 0; r < shown; r++)
        {
            sb.Append("<tr>");
            foreach (var c in cols)
                sb.Append(IsNumeric(c) ? "<td style=\"text-align:right\">" : "<td>").Append(WebUtility.HtmlEncode(Format(c[r], "G" + digits))).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (shown < df.Rows.Count) sb.Append(CultureInfo.InvariantCulture, $"<p>({df.Rows.Count - shown} more rows)</p>");
        return sb.ToString();
    }

    private static bool IsNumeric(DataFrameColumn c) => c.DataType != typeof(string) && c.DataType != typeof(bool) && c.DataType != typeof(DateTime);

    // Numbers invariantly; floating point with the given .NET format ("F3": fixed decimals, "G6": significant digits).
    private static string Format(object? v, string floatFormat) => v switch
    {
        null => "",
        double d => d.ToString(floatFormat, CultureInfo.InvariantCulture),
        float f => f.ToString(floatFormat, CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
