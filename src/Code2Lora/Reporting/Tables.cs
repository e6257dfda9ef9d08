using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Data.Analysis;

namespace Code2Lora.Reporting;

/// <summary>Row lists to DataFrames and DataFrames to Markdown, for reports and notebooks.</summary>
public static class Tables
{
    /// <summary>A DataFrame with one column per public readable property of <typeparamref name="T"/> (string, numeric, bool, DateTime).</summary>
    public static DataFrame ToDataFrame<T>(IEnumerable<T> rows)
    {
        var list = rows.ToList();
        var columns = new List<DataFrameColumn>();
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            var name = p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? p.Name;
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            DataFrameColumn? col = t switch
            {
                _ when t == typeof(string) => new StringDataFrameColumn(name, list.Select(r => (string?)p.GetValue(r))),
                _ when t == typeof(int) => new Int32DataFrameColumn(name, list.Select(r => (int?)p.GetValue(r))),
                _ when t == typeof(long) => new Int64DataFrameColumn(name, list.Select(r => (long?)p.GetValue(r))),
                _ when t == typeof(double) => new DoubleDataFrameColumn(name, list.Select(r => (double?)p.GetValue(r))),
                _ when t == typeof(float) => new SingleDataFrameColumn(name, list.Select(r => (float?)p.GetValue(r))),
                _ when t == typeof(bool) => new BooleanDataFrameColumn(name, list.Select(r => (bool?)p.GetValue(r))),
                _ when t == typeof(DateTime) => new PrimitiveDataFrameColumn<DateTime>(name, list.Select(r => (DateTime?)p.GetValue(r))),
                _ => null, // nested values are not tabular: leave them out
            };
            if (col is not null) columns.Add(col);
        }
        return new DataFrame(columns);
    }

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
