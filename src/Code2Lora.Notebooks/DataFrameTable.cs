using System.Net;
using System.Text;
using Microsoft.Data.Analysis;

namespace Code2Lora.Notebooks;

/// <summary>Renders a DataFrame as an HTML table and as aligned text (DataFrame.ToString runs columns together).</summary>
internal static class DataFrameTable
{
    /// <summary>An HTML table of the first <paramref name="maxRows"/> rows, with a note when rows were left out.</summary>
    public static string ToHtml(DataFrame frame, int maxRows)
    {
        var sb = new StringBuilder("<table><thead><tr><th><i>index</i></th>");
        foreach (var column in frame.Columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(column.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        long shown = Math.Min(frame.Rows.Count, maxRows);
        for (long r = 0; r < shown; r++)
        {
            sb.Append("<tr><td><i>").Append(r).Append("</i></td>");
            foreach (var column in frame.Columns)
                sb.Append("<td>").Append(WebUtility.HtmlEncode(TextCell.Of(column[r]))).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (shown < frame.Rows.Count) sb.Append($"<p>({frame.Rows.Count - shown} more rows)</p>");
        return sb.ToString();
    }

    /// <summary>The same rows as fixed-width text.</summary>
    public static string ToText(DataFrame frame, int maxRows)
    {
        long shown = Math.Min(frame.Rows.Count, maxRows);
        var rows = new List<string[]> { frame.Columns.Select(c => c.Name).ToArray() };
        for (long r = 0; r < shown; r++) rows.Add(frame.Columns.Select(c => TextCell.Of(c[r])).ToArray());
        return TextCell.Align(rows) + (shown < frame.Rows.Count ? $"\n({frame.Rows.Count - shown} more rows)" : "");
    }
}
