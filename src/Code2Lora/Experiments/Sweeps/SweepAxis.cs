using System.Text;
using Code2Lora.Config;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>One <c>--grid key=v1,v2,…</c>: a config key (exactly a <c>--set</c> path) and the values it takes, in order.</summary>
/// <param name="Key">Dotted snake_case key, e.g. <c>lora.rank</c>.</param>
/// <param name="Values">The values as <c>--set</c> would read them (JSON, or bare text for string fields).</param>
public sealed record SweepAxis(string Key, IReadOnlyList<string> Values)
{
    /// <summary>Where grid errors point, in place of a file name.</summary>
    public const string Source = "--grid";

    /// <summary>Parses <c>key=v1,v2,…</c>. Commas inside brackets, braces or quotes belong to one value, so a list value reads as
    /// <c>lora.target_modules=["q_proj","v_proj"],["q_proj"]</c>.</summary>
    public static SweepAxis Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ConfigException(Source, text, "is not key=v1,v2,…", "write e.g. --grid lora.rank=4,8,16");
        var key = text[..eq].Trim();
        var values = SplitValues(text[(eq + 1)..]);
        if (values.Count == 0 || values.Any(v => v.Length == 0))
            throw new ConfigException(Source, key, $"has an empty value in '{text[(eq + 1)..]}'", "give one or more comma-separated values");
        var repeated = values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ConfigException(Source, key, $"lists '{repeated.Key}' twice", "give each value once");
        return new SweepAxis(key, values);
    }

    /// <summary>The <c>--set</c> text of value <paramref name="i"/>.</summary>
    public string Override(int i) => $"{Key}={Values[i]}";

    private static List<string> SplitValues(string text)
    {
        var values = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < text.Length) { current.Append(c).Append(text[++i]); continue; }
                if (c == '"') quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c is '[' or '{') depth++;
            else if (c is ']' or '}') depth--;
            else if (c == ',' && depth == 0) { values.Add(current.ToString().Trim()); current.Clear(); continue; }
            current.Append(c);
        }
        if (quoted || depth != 0) throw new ConfigException(Source, text, "has an unclosed quote or bracket", "close every \" [ and {");
        values.Add(current.ToString().Trim());
        return values;
    }
}
