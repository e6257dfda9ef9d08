using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;

namespace Code2Lora.Notebooks;

/// <summary>Renders a sequence of records (objects with public properties) as a table, one column per property.</summary>
internal static class RecordTable
{
    /// <summary>The element type when <paramref name="value"/> is a sequence of records, else null.</summary>
    public static Type? RecordTypeOf(object value)
    {
        if (value is string or IDictionary) return null;
        var element = value.GetType().GetInterfaces().Append(value.GetType())
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(t => t.GetGenericArguments()[0]).FirstOrDefault();
        if (element is null || element == typeof(object) || element.IsPrimitive || element == typeof(string) ||
            element == typeof(decimal) || typeof(IEnumerable).IsAssignableFrom(element) || element.Namespace?.StartsWith("TorchSharp") == true)
            return null;
        return Columns(element).Length > 0 ? element : null;
    }

    /// <summary>HTML table of the first <paramref name="maxRows"/> records.</summary>
    public static string ToHtml(IEnumerable rows, Type element, int maxRows)
    {
        var columns = Columns(element);
        var (shown, more) = Take(rows, maxRows);
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var c in columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in shown)
        {
            sb.Append("<tr>");
            foreach (var c in columns) sb.Append("<td>").Append(WebUtility.HtmlEncode(TextCell.Of(Read(c, row)))).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (more) sb.Append($"<p>(first {maxRows} rows shown)</p>");
        return sb.ToString();
    }

    /// <summary>The same records as aligned text.</summary>
    public static string ToText(IEnumerable rows, Type element, int maxRows)
    {
        var columns = Columns(element);
        var (shown, more) = Take(rows, maxRows);
        var table = new List<string[]> { columns.Select(c => c.Name).ToArray() };
        table.AddRange(shown.Select(r => columns.Select(c => TextCell.Of(Read(c, r))).ToArray()));
        return TextCell.Align(table) + (more ? $"\n(first {maxRows} rows shown)" : "");
    }

    private static PropertyInfo[] Columns(Type element) =>
        element.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray();

    private static object? Read(PropertyInfo p, object? row)
    {
        try { return row is null ? null : p.GetValue(row); }
        catch (TargetInvocationException e) { return $"({e.InnerException?.GetType().Name})"; }
    }

    private static (List<object?> Shown, bool More) Take(IEnumerable rows, int maxRows)
    {
        var shown = rows.Cast<object?>().Take(maxRows + 1).ToList();
        bool more = shown.Count > maxRows;
        if (more) shown.RemoveAt(maxRows);
        return (shown, more);
    }
}

/// <summary>How table cells are written as text: invariant culture, short floats.</summary>
internal static class TextCell
{
    /// <summary>One value as cell text.</summary>
    public static string Of(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Rows (the first being the header) as space-aligned columns.</summary>
    public static string Align(IReadOnlyList<string[]> rows)
    {
        int n = rows[0].Length;
        var widths = Enumerable.Range(0, n).Select(i => rows.Max(r => r[i].Length)).ToArray();
        return string.Join("\n", rows.Select(r => string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()));
    }
}
