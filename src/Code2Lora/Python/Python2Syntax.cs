namespace Code2Lora.Python;

/// <summary>
/// Finds syntax that tokenizes (CPython's <c>tokenize</c> is lenient) but that CPython 3's parser rejects, nearly all of it
/// Python 2: print and exec statements, <c>123L</c> and <c>0777</c>, backquotes, <c>&lt;&gt;</c>, <c>ur''</c>,
/// <c>except X, e:</c>, <c>raise E, V</c>, tuple parameters, <c>async</c> as a name, and indentation that mixes tabs and
/// spaces inconsistently (TabError). The paper's builder parses with <c>ast.parse</c>, so such a file version is a syntax
/// error there and is skipped; <see cref="PyOutline.Parse"/> makes it one here. The rules follow CPython 3.11 (the
/// differential's reference), and accept everything 3.11 accepts except the soft keywords' newer uses, which are left
/// alone: <c>type X = …</c> and <c>class A[T]:</c> (3.12) parse here although 3.11 rejects them.
/// </summary>
internal static class Python2Syntax
{
    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    // Keywords that may follow a name or a complete expression: operators, conditional, comprehension, alias, and the
    // import of `from x import y` and the from of `raise E from e`.
    private static readonly HashSet<string> AfterExpression = ["and", "or", "in", "is", "not", "if", "else", "for", "async", "as", "import", "from"];

    // Names that start a statement in newer Pythons (match/case 3.10, type 3.12) and are followed by an expression there.
    private static readonly HashSet<string> SoftKeywords = ["match", "case", "type"];

    /// <summary>
    /// Throws <see cref="PySyntaxError"/> at the first construct CPython 3 rejects; its message is "category: detail" or just
    /// the category, so reports can count by category; <paramref name="tokens"/> is the full tokenize stream of <paramref name="source"/>.
    /// </summary>
    public static void Check(IReadOnlyList<PyToken> tokens, string source)
    {
        var sig = new List<PyToken>(tokens.Count);
        foreach (var t in tokens)
            if (t.Type is not (PyTokenType.Comment or PyTokenType.NL)) sig.Add(t);
        for (var i = 0; i < sig.Count; i++)
        {
            var t = sig[i];
            var next = i + 1 < sig.Count ? sig[i + 1] : default;
            switch (t.Type)
            {
                case PyTokenType.ErrorToken when !string.IsNullOrWhiteSpace(t.Text):
                    throw Error(t.Text == "`" ? "backquote repr `x` (Python 2)" : $"invalid character: '{t.Text}'", t);
                case PyTokenType.Number when Adjacent(t, next) && (next.Type == PyTokenType.Number || (next.Type == PyTokenType.Name && !AfterExpression.Contains(next.Text))):
                    throw Error(next.Text is "L" or "l" ? $"long integer literal (Python 2): {t.Text}{next.Text}"
                        : next.Type == PyTokenType.Number ? $"octal literal without 0o (Python 2): {t.Text}{next.Text}"
                        : $"invalid number literal: {t.Text}{next.Text}", t);
                case PyTokenType.Op when t.Text == "<" && next.Type == PyTokenType.Op && next.Text == ">" && Adjacent(t, next):
                    throw Error("'<>' operator (Python 2)", t);
                case PyTokenType.Op when t.Text == "." && next.Type == PyTokenType.Name && Keywords.Contains(next.Text) && next.Text != "import":
                    throw Error($"keyword used as an attribute name: .{next.Text}", next);
                case PyTokenType.Name:
                    CheckName(sig, i);
                    break;
            }
        }
        CheckTabs(sig, source);
    }

    private static void CheckName(List<PyToken> sig, int i)
    {
        var t = sig[i];
        var next = i + 1 < sig.Count ? sig[i + 1] : default;
        if (t.Text == "async")
        {
            if (next.Type != PyTokenType.Name || next.Text is not ("def" or "for" or "with"))
                throw Error("'async' used as a name (a keyword since Python 3.7)", t);
            return;
        }
        if (t.Text == "except") { CheckNoTopLevelComma(sig, i, ":", "except X, e (Python 2)"); return; }
        if (t.Text == "raise") { CheckNoTopLevelComma(sig, i, null, "raise E, V (Python 2)"); return; }
        if (t.Text is "def" or "lambda") { CheckTupleParameters(sig, i); return; }
        if (Keywords.Contains(t.Text) || SoftKeywords.Contains(t.Text)) return;
        // A name followed directly by another name, a number or a string is never Python 3 (no operator joins them).
        bool juxtaposed = next.Type is PyTokenType.Number or PyTokenType.String
            || (next.Type == PyTokenType.Name && (!AfterExpression.Contains(next.Text) || (next.Text == "not" && !IsName(sig, i + 2, "in"))));
        if (!juxtaposed) return;
        if (i > 0 && sig[i - 1].Type == PyTokenType.Op && sig[i - 1].Text == ".")
            throw Error("invalid syntax: attribute followed by a name or literal", next);
        throw Error(t.Text switch
        {
            "print" => "print statement (Python 2)",
            "exec" => "exec statement (Python 2)",
            "ur" or "uR" or "Ur" or "UR" when next.Type == PyTokenType.String && Adjacent(t, next) => "string prefix ur'' (Python 2)",
            _ => $"invalid syntax: '{t.Text}' followed by '{next.Text}'",
        }, t);
    }

    private static bool IsName(List<PyToken> sig, int i, string text) => i < sig.Count && sig[i].Type == PyTokenType.Name && sig[i].Text == text;

    /// <summary>From the keyword to the end of its statement (or to <paramref name="stop"/>), a comma outside brackets is an error.</summary>
    private static void CheckNoTopLevelComma(List<PyToken> sig, int start, string? stop, string message)
    {
        var depth = 0;
        for (var j = start + 1; j < sig.Count; j++)
        {
            var t = sig[j];
            if (t.Type is PyTokenType.Newline or PyTokenType.EndMarker) return;
            if (t.Type != PyTokenType.Op) continue;
            if (t.Text is "(" or "[" or "{") depth++;
            else if (t.Text is ")" or "]" or "}") depth--;
            else if (depth == 0 && (t.Text == stop || t.Text == ";")) return;
            else if (depth == 0 && t.Text == ",") throw Error(message, sig[start]);
        }
    }

    /// <summary>A parenthesised group in a parameter list (<c>def f(a, (b, c))</c>, <c>lambda (x, y): …</c>) is Python 2 tuple unpacking.</summary>
    private static void CheckTupleParameters(List<PyToken> sig, int start)
    {
        var open = start + (sig[start].Text == "def" ? 2 : 0);
        if (sig[start].Text == "lambda")
        {
            if (open + 1 < sig.Count && sig[open + 1].Type == PyTokenType.Op && sig[open + 1].Text == "(")
                throw Error("tuple parameter (Python 2)", sig[open + 1]);
            return;
        }
        if (open >= sig.Count || sig[open].Type != PyTokenType.Op || sig[open].Text != "(") return;
        var depth = 0;
        for (var j = open; j < sig.Count; j++)
        {
            var t = sig[j];
            if (t.Type != PyTokenType.Op) continue;
            if (t.Text is "(" or "[" or "{")
            {
                if (depth == 1 && t.Text == "(" && sig[j - 1].Type == PyTokenType.Op && sig[j - 1].Text is "(" or ",")
                    throw Error("tuple parameter (Python 2)", t);
                depth++;
            }
            else if (t.Text is ")" or "]" or "}" && --depth == 0) return;
        }
    }

    /// <summary>
    /// CPython's TabError: each statement's indentation is measured with tabs to multiples of 8 and with tabs as 1 column;
    /// the two must order it the same way against the enclosing indentation levels (tokenizer.c's altcol check).
    /// </summary>
    private static void CheckTabs(List<PyToken> sig, string source)
    {
        var levels = new List<(int Col, int AltCol)> { (0, 0) };
        var lineStarts = LineStarts(source);
        var atStatement = true;
        foreach (var t in sig)
        {
            if (t.Type is PyTokenType.Newline) { atStatement = true; continue; }
            if (t.Type is PyTokenType.Indent or PyTokenType.Dedent or PyTokenType.EndMarker || !atStatement) continue;
            atStatement = false;
            if (t.StartLine > lineStarts.Count) continue;
            var (col, alt) = Measure(source, lineStarts[t.StartLine - 1]);
            var top = levels[^1];
            if (col == top.Col) { if (alt != top.AltCol) throw Error("inconsistent use of tabs and spaces in indentation", t); }
            else if (col > top.Col)
            {
                if (alt <= top.AltCol) throw Error("inconsistent use of tabs and spaces in indentation", t);
                levels.Add((col, alt));
            }
            else
            {
                while (levels.Count > 1 && col < levels[^1].Col) levels.RemoveAt(levels.Count - 1);
                if (col == levels[^1].Col && alt != levels[^1].AltCol) throw Error("inconsistent use of tabs and spaces in indentation", t);
            }
        }
    }

    private static (int Col, int AltCol) Measure(string source, int at)
    {
        int col = 0, alt = 0;
        for (var i = at; i < source.Length; i++)
        {
            var c = source[i];
            if (c == ' ') { col++; alt++; }
            else if (c == '\t') { col = (col / 8 + 1) * 8; alt++; }
            else if (c == '\f') { col = 0; alt = 0; }
            else break;
        }
        return (col, alt);
    }

    private static List<int> LineStarts(string source)
    {
        var starts = new List<int> { source.Length > 0 && source[0] == '\uFEFF' ? 1 : 0 };
        for (var i = 0; i < source.Length; i++)
            if (source[i] == '\n' || (source[i] == '\r' && (i + 1 >= source.Length || source[i + 1] != '\n'))) starts.Add(i + 1);
        return starts;
    }

    private static bool Adjacent(PyToken a, PyToken b) => a.EndLine == b.StartLine && a.EndCol == b.StartCol;

    private static PySyntaxError Error(string message, PyToken at) => new(message, at.StartLine, at.StartCol);
}
