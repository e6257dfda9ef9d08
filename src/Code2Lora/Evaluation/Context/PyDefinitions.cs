using System.Text.RegularExpressions;
using Code2Lora.Python;

namespace Code2Lora.Evaluation.Context;

/// <summary>A module-level def or class: its full source (decorators included) and a short form (header lines, docstring's first line, "...").</summary>
public sealed record PyDefinition(string Name, bool IsClass, string Source, string Signature);

/// <summary>Finds the module-level definitions of a Python file with the outline front end, or by line scanning when it does not parse.</summary>
public static partial class PyDefinitions
{
    /// <summary>Module-level defs and classes in file order; <paramref name="usedFallback"/> says the line-scan route was taken.</summary>
    public static IReadOnlyList<PyDefinition> TopLevel(string source, out bool usedFallback)
    {
        usedFallback = false;
        PyOutline outline;
        try { outline = PyOutline.Parse(source); }
        catch (PySyntaxError)
        {
            usedFallback = true;
            return ByLineScan(source);
        }
        var text = new PySourceText(source);
        var result = new List<PyDefinition>();
        foreach (var block in outline.TopLevel)
        {
            var full = Lines(text, block.DecoratorLine, block.EndLine);
            var header = Lines(text, block.DecoratorLine, block.HeaderEndLine);
            var doc = outline.Statements.FirstOrDefault(s => s.Owner == block && s.IsDirectChild);
            var firstChild = block.Children.Count > 0 ? block.Children[0].DecoratorLine : int.MaxValue;
            string? docLine = doc is { Kind: PyStatementKind.Docstring } && doc.StartLine < firstChild && doc.StartLine > block.HeaderEndLine
                ? DocstringFirstLine(Lines(text, doc.StartLine, doc.EndLine)) : null;
            var indent = doc is not null && doc.StartLine > block.HeaderEndLine ? text.Indent(doc.StartLine) : "    ";
            if (indent.Length == 0) indent = "    ";
            var signature = header + "\n" + (docLine is null ? "" : $"{indent}\"\"\"{docLine}\"\"\"\n") + indent + "...";
            result.Add(new PyDefinition(block.Name, block.IsClass, full, signature));
        }
        return result;
    }

    private static string Lines(PySourceText text, int first, int last) =>
        string.Join("\n", Enumerable.Range(first, Math.Max(0, last - first + 1)).Select(text.Line));

    /// <summary>The first non-empty line inside a docstring literal (prefix letters and quotes removed).</summary>
    private static string? DocstringFirstLine(string literal)
    {
        var s = literal.TrimStart();
        int i = 0;
        while (i < s.Length && char.IsLetter(s[i])) i++;
        s = s[i..];
        foreach (var q in new[] { "\"\"\"", "'''", "\"", "'" })
            if (s.StartsWith(q, StringComparison.Ordinal)) { s = s[q.Length..]; break; }
        foreach (var raw in s.Split('\n'))
        {
            var line = raw.Trim().TrimEnd('"', '\'').Trim();
            if (line.Length > 0) return line;
        }
        return null;
    }

    [GeneratedRegex(@"^(?:async[ \t]+def|def|class)[ \t]+([A-Za-z_]\w*)")]
    private static partial Regex DefinitionHeader();

    /// <summary>
    /// The fallback for files that do not parse: a definition starts at a column-0 def/class line (with the column-0
    /// decorators just above it) and runs to the line before the next column-0 line that is not blank, a comment or a
    /// closing bracket. Its short form is the header line and "...".
    /// </summary>
    public static IReadOnlyList<PyDefinition> ByLineScan(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var result = new List<PyDefinition>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = DefinitionHeader().Match(lines[i]);
            if (!m.Success) continue;
            int first = i;
            while (first > 0 && lines[first - 1].StartsWith('@')) first--;
            int end = i + 1;
            while (end < lines.Length && (lines[end].Length == 0 || char.IsWhiteSpace(lines[end][0]) || lines[end][0] is '#' or ')' or ']' or '}')) end++;
            while (end > i + 1 && lines[end - 1].Trim().Length == 0) end--;
            var full = string.Join("\n", lines[first..end]);
            var signature = string.Join("\n", lines[first..(i + 1)]) + "\n    ...";
            result.Add(new PyDefinition(m.Groups[1].Value, lines[i].StartsWith("class", StringComparison.Ordinal), full, signature));
        }
        return result;
    }
}
