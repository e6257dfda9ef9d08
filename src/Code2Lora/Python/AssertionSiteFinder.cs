namespace Code2Lora.Python;

/// <summary>
/// Finds every assertion of the six families in a module, by walking the token stream the way an ast.walk would
/// visit Assert and Call nodes: bare asserts, self.assertXxx, pytest.raises/approx and assert_* calls.
/// </summary>
internal sealed class AssertionSiteFinder
{
    /// <summary>The 31 unittest assertion methods that count as the "unittest" family.</summary>
    public static readonly HashSet<string> UnittestMethods =
    [
        "assertEqual", "assertNotEqual", "assertTrue", "assertFalse", "assertIs", "assertIsNot", "assertIsNone",
        "assertIsNotNone", "assertIn", "assertNotIn", "assertIsInstance", "assertNotIsInstance", "assertRaises",
        "assertRaisesRegex", "assertWarns", "assertWarnsRegex", "assertAlmostEqual", "assertNotAlmostEqual",
        "assertGreater", "assertGreaterEqual", "assertLess", "assertLessEqual", "assertRegex", "assertNotRegex",
        "assertCountEqual", "assertMultiLineEqual", "assertSequenceEqual", "assertListEqual", "assertTupleEqual",
        "assertSetEqual", "assertDictEqual",
    ];

    // These take the target from the first argument; the rest of the list needs two and uses the last.
    private static readonly HashSet<string> FirstArgumentMethods =
        ["assertRaises", "assertRaisesRegex", "assertTrue", "assertFalse", "assertIsNone", "assertIsNotNone"];

    private static readonly string[] MockStyle = ["assert_called", "assert_any_call", "assert_has_calls", "assert_not_called"];
    private static readonly HashSet<string> CompareOps = ["==", "!=", "<", "<=", ">", ">="];

    private readonly PyOutline _o;
    private readonly PySourceText _text;

    public AssertionSiteFinder(PyOutline outline, PySourceText text)
    {
        _o = outline;
        _text = text;
    }

    private List<PyToken> T => _o.Tokens;

    /// <summary>All assertion sites in token order.</summary>
    public List<AssertionSite> FindAll()
    {
        var sites = new List<AssertionSite>();
        for (int i = 0; i < T.Count; i++)
        {
            if (T[i].Type != PyTokenType.Name) continue;
            var site = T[i].Text == "assert" ? BareAssert(i) : _o.IsOp(i + 1, "(") ? Call(i) : null;
            if (site != null) sites.Add(site);
        }
        return sites;
    }

    private string Source(int first, int last) =>
        _text.Flattened(T[first].StartLine, T[first].StartCol, T[last].EndLine, T[last].EndCol);

    private AssertionSite BareAssert(int at)
    {
        int end = _o.DepthZero(at + 1, T.Count, j => _o.IsOp(j, ";") || T[j].Type is PyTokenType.Newline or PyTokenType.EndMarker);
        int testEnd = _o.DepthZero(at + 1, end, j => _o.IsOp(j, ","));
        if (testEnd < 0) testEnd = end;
        if (testEnd <= at + 1) throw new PySyntaxError("invalid syntax", T[at].StartLine, T[at].EndCol);
        var (s, e) = Unwrap(at + 1, testEnd - 1);
        string indent = _text.Indent(T[at].StartLine);
        var op = FirstComparison(s, e);
        if (op is not { } found)
        {
            return new AssertionSite("assert_expr", at, T[at].StartLine, Source(s, e), T[s].StartLine, T[s].StartCol, indent + "assert ");
        }
        int next = FindComparisonFrom(found.AfterOp, e)?.OpStart ?? e + 1;
        if (found.AfterOp > next - 1) throw new PySyntaxError("invalid syntax", T[found.OpStart].StartLine, T[found.OpStart].EndCol);
        var (cs, ce) = Unwrap(found.AfterOp, next - 1);
        var (ls, le) = Unwrap(s, found.OpStart - 1);
        string tail = $"{indent}assert {Source(ls, le)} {found.Op} ";
        return new AssertionSite("assert_compare", at, T[at].StartLine, Source(cs, ce), T[cs].StartLine, T[cs].StartCol, tail);
    }

    /// <summary>Strips parentheses that ast leaves out of a node's position (not those of tuples or generator expressions).</summary>
    private (int, int) Unwrap(int s, int e)
    {
        while (s < e && _o.IsOp(s, "(") && _o.Match[s] == e && e - s > 1)
        {
            bool keepsParens = _o.DepthZero(s + 1, e, j => _o.IsOp(j, ",") || _o.IsName(j, "for") || _o.IsName(j, "yield")) >= 0;
            if (keepsParens) break;
            s++;
            e--;
        }
        return (s, e);
    }

    private readonly record struct Comparison(int OpStart, int AfterOp, string Op);

    /// <summary>The first top-level comparison when the whole expression [s, e] is an ast.Compare, else null.</summary>
    private Comparison? FirstComparison(int s, int e)
    {
        if (T[s].Type == PyTokenType.Name && T[s].Text is "not" or "lambda") return null;
        if (_o.DepthZero(s, e + 1, j => T[j].Type == PyTokenType.Name && T[j].Text is "and" or "or" or "if" or "lambda"
                                          || _o.IsOp(j, ":=")) >= 0) return null;
        return FindComparisonFrom(s, e);
    }

    private Comparison? FindComparisonFrom(int s, int e)
    {
        for (int j = s; j <= e; j++)
        {
            var t = T[j];
            if (t.Type == PyTokenType.Op && CompareOps.Contains(t.Text)) return new Comparison(j, j + 1, t.Text);
            if (t.Type == PyTokenType.Name)
            {
                if (t.Text == "in" && j > s) return new Comparison(j, j + 1, "in");
                if (t.Text == "not" && _o.IsName(j + 1, "in") && j > s) return new Comparison(j, j + 2, "not in");
                if (t.Text == "is" && j > s) return _o.IsName(j + 1, "not") ? new Comparison(j, j + 2, "is not") : new Comparison(j, j + 1, "is");
            }
            if (_o.Match[j] > j) j = _o.Match[j];
        }
        return null;
    }

    private AssertionSite? Call(int nameAt)
    {
        if (nameAt > 0 && T[nameAt - 1].Type == PyTokenType.Name && T[nameAt - 1].Text is "def" or "class") return null;
        string name = T[nameAt].Text;
        bool attribute = _o.IsOp(nameAt - 1, ".");
        bool receiverIsBareName(string receiver) =>
            attribute && _o.IsName(nameAt - 2, receiver) && !_o.IsOp(nameAt - 3, ".");

        int open = nameAt + 1, close = _o.Match[open];
        if (receiverIsBareName("self") && UnittestMethods.Contains(name))
            return Unittest(nameAt, name, Arguments(open, close));
        if (receiverIsBareName("pytest") && name is "raises" or "approx")
        {
            if (close == open + 1) return null;
            int start = CallStart(nameAt);
            return new AssertionSite("pytest_" + name, nameAt, T[start].StartLine, Source(open + 1, close),
                T[open + 1].StartLine, T[open + 1].StartCol, null);
        }
        if (!name.StartsWith("assert_", StringComparison.Ordinal) || MockStyle.Any(m => name.StartsWith(m, StringComparison.Ordinal)))
            return null;
        var positional = Arguments(open, close).Where(a => !a.IsKeyword).ToList();
        if (positional.Count == 0) return null;
        var last = positional[^1];
        return new AssertionSite("assert_call", nameAt, T[CallStart(nameAt)].StartLine, Source(last.Start, last.End) + ")",
            T[last.Start].StartLine, T[last.Start].StartCol, null);
    }

    private AssertionSite? Unittest(int nameAt, string method, List<Argument> args)
    {
        var positional = args.Where(a => !a.IsKeyword).ToList();
        int needed = FirstArgumentMethods.Contains(method) ? 1 : 2;
        if (positional.Count < needed) return null;
        int line = T[CallStart(nameAt)].StartLine;
        string head = $"{_text.Indent(line)}self.{method}(";
        Argument target;
        string text;
        if (FirstArgumentMethods.Contains(method))
        {
            target = positional[0];
            text = Source(target.Start, target.End);
            if (method == "assertRaisesRegex" && positional.Count >= 2) text += ", " + Source(positional[1].Start, positional[1].End);
        }
        else
        {
            target = positional[^1];
            text = Source(target.Start, target.End);
            head += string.Concat(positional.Take(positional.Count - 1).Select(a => Source(a.Start, a.End) + ", "));
        }
        return new AssertionSite("unittest", nameAt, line, text + ")", T[target.Start].StartLine, T[target.Start].StartCol, head);
    }

    private readonly record struct Argument(int Start, int End, bool IsKeyword);

    /// <summary>Top-level arguments between a call's brackets; ast puts name=value and **kw in keywords, *args in args.</summary>
    private List<Argument> Arguments(int open, int close)
    {
        var args = new List<Argument>();
        int s = open + 1;
        while (s < close)
        {
            int comma = _o.DepthZero(s, close, j => _o.IsOp(j, ","));
            int e = (comma < 0 ? close : comma) - 1;
            if (e >= s)
            {
                bool keyword = (T[s].Type == PyTokenType.Name && _o.IsOp(s + 1, "=")) || _o.IsOp(s, "**");
                var (us, ue) = keyword ? (s, e) : Unwrap(s, e);
                args.Add(new Argument(us, ue, keyword));
            }
            if (comma < 0) break;
            s = comma + 1;
        }
        return args;
    }

    /// <summary>First token of the callee expression (ast's Call.lineno): walks back over a.b, x[...], f(...) chains.</summary>
    private int CallStart(int nameAt)
    {
        int p = nameAt;
        while (_o.IsOp(p - 1, "."))
        {
            int q = p - 2;
            if (q < 0) break;
            while (q >= 0 && _o.Match[q] >= 0 && _o.Match[q] < q)
            {
                int opener = _o.Match[q];
                bool trailer = opener > 0 && (T[opener - 1].Type is PyTokenType.Name or PyTokenType.String
                                              || _o.IsOp(opener - 1, ")") || _o.IsOp(opener - 1, "]"));
                q = trailer ? opener - 1 : opener;
                if (!trailer) break;
            }
            if (q < 0) break;
            p = q;
        }
        return p;
    }
}
