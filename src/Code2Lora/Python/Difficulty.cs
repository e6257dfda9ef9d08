namespace Code2Lora.Python;

/// <summary>The eight target difficulty classes of the static track (paper §3.3).</summary>
public static class Difficulty
{
    /// <summary>Classifies a target: bool_literal, none_literal, string_literal, numeric_literal, collection, func_call, variable or complex_expr.</summary>
    public static string Classify(string target)
    {
        List<PyToken> tokens;
        try
        {
            tokens = PyTokenizer.Tokenize(StripCallClose(target.Trim()))
                .Where(t => t.Type is not (PyTokenType.Newline or PyTokenType.NL or PyTokenType.Comment or PyTokenType.Indent
                    or PyTokenType.Dedent or PyTokenType.EndMarker)).ToList();
        }
        catch (PySyntaxError)
        {
            return "complex_expr";
        }
        if (tokens.Count == 0 || tokens.Any(t => t.Type == PyTokenType.ErrorToken)) return "complex_expr";
        int[] match;
        try { match = Match(tokens); }
        catch (InvalidOperationException) { return "complex_expr"; }
        int s = 0, e = tokens.Count - 1;
        while (IsOp(tokens[s], "(") && match[s] == e && e - s > 1 && !HasTopLevelComma(tokens, match, s + 1, e)) { s++; e--; }
        return ClassifyRange(tokens, match, s, e);
    }

    private static string ClassifyRange(List<PyToken> t, int[] match, int s, int e)
    {
        if (s == e && t[s].Type == PyTokenType.Name && t[s].Text is "True" or "False") return "bool_literal";
        if (s == e && t[s].Type == PyTokenType.Name && t[s].Text == "None") return "none_literal";
        if (t.Skip(s).Take(e - s + 1).All(x => x.Type == PyTokenType.String)) return "string_literal";
        int n = s;
        while (n < e && t[n].Type == PyTokenType.Op && t[n].Text is "-" or "+") n++;
        if (n == e && t[n].Type == PyTokenType.Number) return "numeric_literal";
        if (t[s].Type == PyTokenType.Op && match[s] == e)
        {
            if (t[s].Text is "[" or "{") return "collection";
            if (t[s].Text == "(" && (e == s + 1 || HasTopLevelComma(t, match, s + 1, e))) return "collection";
        }
        int d = DottedNameEnd(t, s, e);
        if (d == e) return "variable";
        if (d >= s && d + 1 <= e && IsOp(t[d + 1], "(") && match[d + 1] == e) return "func_call";
        return "complex_expr";
    }

    /// <summary>Last index of a NAME(.NAME)* run starting at <paramref name="s"/> (keywords excluded), or -1.</summary>
    private static int DottedNameEnd(List<PyToken> t, int s, int e)
    {
        if (!IsPlainName(t[s])) return -1;
        int i = s;
        while (i + 2 <= e && IsOp(t[i + 1], ".") && IsPlainName(t[i + 2])) i += 2;
        return i;
    }

    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    private static bool IsPlainName(PyToken t) => t.Type == PyTokenType.Name && !Keywords.Contains(t.Text);

    private static bool IsOp(PyToken t, string text) => t.Type == PyTokenType.Op && t.Text == text;

    private static bool HasTopLevelComma(List<PyToken> t, int[] match, int s, int e)
    {
        for (int i = s; i < e; i++)
        {
            if (IsOp(t[i], ",") || (t[i].Type == PyTokenType.Name && t[i].Text == "for")) return true;
            if (match[i] > i) i = match[i];
        }
        return false;
    }

    private static int[] Match(List<PyToken> t)
    {
        var match = new int[t.Count];
        Array.Fill(match, -1);
        var open = new Stack<int>();
        for (int i = 0; i < t.Count; i++)
        {
            if (t[i].Type != PyTokenType.Op) continue;
            if (t[i].Text is "(" or "[" or "{") open.Push(i);
            else if (t[i].Text is ")" or "]" or "}")
            {
                if (open.Count == 0) throw new InvalidOperationException("unbalanced");
                int o = open.Pop();
                match[o] = i;
                match[i] = o;
            }
        }
        if (open.Count > 0) throw new InvalidOperationException("unbalanced");
        return match;
    }

    /// <summary>Drops the one trailing ")" that closes the surrounding assertion call (unbalanced within the target).</summary>
    private static string StripCallClose(string target)
    {
        if (!target.EndsWith(')')) return target;
        try
        {
            var tokens = PyTokenizer.Tokenize(target[..^1] + "\n");
            int depth = 0;
            foreach (var t in tokens)
            {
                if (t.Type != PyTokenType.Op) continue;
                if (t.Text is "(" or "[" or "{") depth++;
                else if (t.Text is ")" or "]" or "}") depth--;
            }
            return depth == 0 ? target[..^1] : target;
        }
        catch (PySyntaxError)
        {
            // An unclosed bracket means the ")" belongs to the target itself.
            return target;
        }
    }
}
