using System.Text.RegularExpressions;
using Code2Lora.Python;

namespace Code2Lora.Evaluation.Context;

/// <summary>
/// One name an import statement binds: <c>import a.b as m</c> → (Alias m, Module "a.b", Name null);
/// <c>import a.b</c> → (Alias a, Module "a"); <c>from ..p import f as g</c> → (Alias g, Module "p", Level 2, Name f);
/// <c>from m import *</c> → (Alias "*", Module m, Name "*"). <paramref name="FullModule"/> is what <c>import a.b</c> loads ("a.b") when it binds only "a".
/// </summary>
public sealed record PyImport(string Alias, string Module, int Level, string? Name, string? FullModule = null);

/// <summary>Reads the import statements of a Python module: from the token stream, or by regular expressions when the file does not tokenize.</summary>
public static partial class PyImports
{
    /// <summary>Every binding of every import statement (any nesting level) in source order; <paramref name="usedFallback"/> says the regex route was taken.</summary>
    public static IReadOnlyList<PyImport> Parse(string source, out bool usedFallback)
    {
        usedFallback = false;
        IReadOnlyList<PyToken> tokens;
        try { tokens = PyTokenizer.Tokenize(source); }
        catch (PySyntaxError)
        {
            usedFallback = true;
            return ParseByRegex(source);
        }
        var imports = new List<PyImport>();
        var line = new List<PyToken>();
        foreach (var t in tokens)
        {
            if (t.Type is PyTokenType.Comment or PyTokenType.NL or PyTokenType.Indent or PyTokenType.Dedent) continue;
            if (t.Type is PyTokenType.Newline or PyTokenType.EndMarker)
            {
                ReadStatement(line, imports);
                line.Clear();
            }
            else line.Add(t);
        }
        ReadStatement(line, imports);
        return imports;
    }

    private static void ReadStatement(List<PyToken> s, List<PyImport> imports)
    {
        // Simple statements joined by ';' are read one by one.
        int start = 0;
        for (int i = 0; i <= s.Count; i++)
        {
            if (i < s.Count && !(s[i].Type == PyTokenType.Op && s[i].Text == ";")) continue;
            var words = s.GetRange(start, i - start).Where(t => t.Type != PyTokenType.Op || t.Text is "." or "," or "*" or "...").Select(t => t.Text).ToList();
            ReadWords(words, imports);
            start = i + 1;
        }
    }

    // words: names, dots, commas and '*' of one simple statement (brackets dropped).
    private static void ReadWords(List<string> w, List<PyImport> imports)
    {
        if (w.Count < 2) return;
        if (w[0] == "import")
        {
            foreach (var part in SplitCommas(w.Skip(1)))
                AddPlainImport(part, imports);
        }
        else if (w[0] == "from")
        {
            int i = 1, level = 0;
            while (i < w.Count && w[i] is "." or "...") level += w[i++].Length;
            var module = new List<string>();
            while (i < w.Count && w[i] != "import") module.Add(w[i++]);
            if (i >= w.Count) return;
            var dotted = string.Concat(module);
            foreach (var part in SplitCommas(w.Skip(i + 1)))
            {
                if (part.Count == 0) continue;
                var alias = part.Count >= 3 && part[^2] == "as" ? part[^1] : part[0];
                imports.Add(new PyImport(part[0] == "*" ? "*" : alias, dotted, level, part[0]));
            }
        }
    }

    private static void AddPlainImport(List<string> part, List<PyImport> imports)
    {
        if (part.Count == 0) return;
        int asAt = part.IndexOf("as");
        var dotted = string.Concat(asAt >= 0 ? part.Take(asAt) : part);
        if (dotted.Length == 0) return;
        if (asAt >= 0 && asAt + 1 < part.Count) imports.Add(new PyImport(part[asAt + 1], dotted, 0, null));
        else imports.Add(new PyImport(dotted.Split('.')[0], dotted.Split('.')[0], 0, null, dotted));
    }

    private static IEnumerable<List<string>> SplitCommas(IEnumerable<string> words)
    {
        var part = new List<string>();
        foreach (var word in words)
        {
            if (word == ",") { yield return part; part = new List<string>(); }
            else part.Add(word);
        }
        yield return part;
    }

    [GeneratedRegex(@"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]+(\([^)]*\)?|[^\n]*)", RegexOptions.Multiline)]
    private static partial Regex FromImport();

    [GeneratedRegex(@"^[ \t]*import[ \t]+([^\n]+)", RegexOptions.Multiline)]
    private static partial Regex PlainImport();

    [GeneratedRegex(@"[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*|\*")]
    private static partial Regex DottedName();

    /// <summary>The regex route: line-start <c>from … import …</c> (a parenthesised list may span lines) and <c>import …</c>; comments after '#' ignored.</summary>
    public static IReadOnlyList<PyImport> ParseByRegex(string source)
    {
        var found = new List<(int At, PyImport Import)>();
        foreach (Match m in FromImport().Matches(source))
        {
            var list = StripComment(m.Groups[3].Value).Replace("(", " ").Replace(")", " ").Replace("\\", " ");
            foreach (var item in list.Split(','))
            {
                var names = DottedName().Matches(item).Select(x => x.Value.Replace(" ", "").Replace("\t", "")).ToList();
                if (names.Count == 0) continue;
                var alias = names.Count >= 3 && names[^2] == "as" ? names[^1] : names[0];
                found.Add((m.Index, new PyImport(names[0] == "*" ? "*" : alias, m.Groups[2].Value, m.Groups[1].Value.Length, names[0])));
            }
        }
        foreach (Match m in PlainImport().Matches(source))
        {
            foreach (var item in StripComment(m.Groups[1].Value).Split(','))
            {
                var words = DottedName().Matches(item).Select(x => x.Value.Replace(" ", "").Replace("\t", "")).ToList();
                if (PlainBinding(words) is { } binding) found.Add((m.Index, binding));
            }
        }
        return found.OrderBy(f => f.At).Select(f => f.Import).ToList();

        static PyImport? PlainBinding(List<string> words)
        {
            if (words.Count == 0) return null;
            if (words.Count >= 3 && words[1] == "as") return new PyImport(words[2], words[0], 0, null);
            var top = words[0].Split('.')[0];
            return new PyImport(top, top, 0, null, words[0]);
        }
    }

    private static string StripComment(string s)
    {
        int hash = s.IndexOf('#');
        return hash >= 0 ? s[..hash] : s;
    }
}
