namespace Code2Lora.Python;

/// <summary>What a logical line at statement level is, as far as the structured prefix cares.</summary>
internal enum PyStatementKind { Import, Assign, AugAssign, AnnAssign, Expr, Docstring, Decorator, Other }

/// <summary>A def/class with its line span: decorators from <see cref="DecoratorLine"/>, header to <see cref="HeaderEndLine"/>, body to <see cref="EndLine"/>.</summary>
internal sealed class PyBlock
{
    public required bool IsClass { get; init; }
    public required string Name { get; init; }
    public required int DecoratorLine { get; init; }
    public required int HeaderLine { get; init; }
    public required int HeaderEndLine { get; init; }
    public required PyBlock? Parent { get; init; }
    public required int FirstToken { get; init; }
    public int LastToken { get; set; }
    public int EndLine { get; set; }
    public List<PyBlock> Children { get; } = new();
}

/// <summary>One logical line that is not a def/class header, with the block it belongs to.</summary>
internal sealed record PyStatement(PyStatementKind Kind, int StartLine, int EndLine, PyBlock? Owner, bool IsDirectChild);

/// <summary>
/// The statement structure of a module, read off the token stream: significant tokens with bracket matching, the
/// def/class tree (decorators, header and end lines) and the kind of every other logical line.
/// </summary>
internal sealed class PyOutline
{
    private static readonly HashSet<string> AugmentedOps = ["+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "^=", "|=", "@="];
    private static readonly HashSet<string> CompoundOrSimpleKeywords =
    [
        "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "async", "return", "pass", "break",
        "continue", "raise", "global", "nonlocal", "del", "assert", "import", "from", "def", "class",
    ];

    private PyOutline(IReadOnlyList<PyToken> tokens)
    {
        var sig = new List<PyToken>(tokens.Count);
        foreach (var t in tokens)
        {
            if (t.Type is not (PyTokenType.Comment or PyTokenType.NL)) sig.Add(t);
        }
        Tokens = sig;
        Match = MatchBrackets(sig);
    }

    /// <summary>Tokens without comments and NL.</summary>
    public List<PyToken> Tokens { get; }

    /// <summary>For every bracket token, the index of its partner; -1 elsewhere.</summary>
    public int[] Match { get; }

    /// <summary>Module-level defs and classes in file order.</summary>
    public List<PyBlock> TopLevel { get; } = new();

    /// <summary>Every statement-level logical line that is not a def/class header.</summary>
    public List<PyStatement> Statements { get; } = new();

    /// <summary>Tokenizes and outlines a module; throws <see cref="PySyntaxError"/>, also for Python 2 syntax CPython 3 rejects (<see cref="Python2Syntax"/>).</summary>
    public static PyOutline Parse(string source)
    {
        var tokens = PyTokenizer.Tokenize(source);
        Python2Syntax.Check(tokens, source);
        var outline = new PyOutline(tokens);
        outline.Build();
        return outline;
    }

    /// <summary>Whether token <paramref name="i"/> is an operator with this text.</summary>
    public bool IsOp(int i, string text) => i >= 0 && i < Tokens.Count && Tokens[i].Type == PyTokenType.Op && Tokens[i].Text == text;

    /// <summary>Whether token <paramref name="i"/> is a name with this text.</summary>
    public bool IsName(int i, string text) => i >= 0 && i < Tokens.Count && Tokens[i].Type == PyTokenType.Name && Tokens[i].Text == text;

    /// <summary>The chain of blocks (outermost first) whose token span contains token <paramref name="index"/>.</summary>
    public List<PyBlock> Ancestry(int index)
    {
        var chain = new List<PyBlock>();
        var level = TopLevel;
        while (true)
        {
            var hit = level.FirstOrDefault(b => b.FirstToken <= index && index <= b.LastToken);
            if (hit == null) return chain;
            chain.Add(hit);
            level = hit.Children;
        }
    }

    private static int[] MatchBrackets(List<PyToken> sig)
    {
        var match = new int[sig.Count];
        Array.Fill(match, -1);
        var open = new Stack<int>();
        for (int i = 0; i < sig.Count; i++)
        {
            if (sig[i].Type != PyTokenType.Op) continue;
            string t = sig[i].Text;
            if (t is "(" or "[" or "{") open.Push(i);
            else if (t is ")" or "]" or "}")
            {
                if (open.Count == 0) throw new PySyntaxError($"unmatched '{t}'", sig[i].StartLine, sig[i].StartCol);
                int o = open.Pop();
                if ((sig[o].Text, t) is not (("(", ")") or ("[", "]") or ("{", "}")))
                    throw new PySyntaxError($"closing parenthesis '{t}' does not match '{sig[o].Text}'", sig[i].StartLine, sig[i].StartCol);
                match[o] = i;
                match[i] = o;
            }
        }
        if (open.Count > 0) throw new PySyntaxError("unclosed bracket", sig[open.Peek()].StartLine, sig[open.Peek()].StartCol);
        return match;
    }

    private void Build()
    {
        var open = new List<(PyBlock Block, int BodyDepth)>();
        int depth = 0, pendingDecorator = -1, lastContentToken = -1;
        int i = 0, n = Tokens.Count;
        while (i < n)
        {
            var t = Tokens[i];
            if (t.Type == PyTokenType.Indent) { depth++; i++; continue; }
            if (t.Type == PyTokenType.Dedent)
            {
                depth--;
                while (open.Count > 0 && open[^1].BodyDepth > depth)
                {
                    var closed = open[^1].Block;
                    closed.LastToken = lastContentToken;
                    closed.EndLine = Tokens[lastContentToken].EndLine;
                    open.RemoveAt(open.Count - 1);
                }
                i++;
                continue;
            }
            if (t.Type == PyTokenType.EndMarker) break;

            int end = i;
            while (end < n && Tokens[end].Type is not (PyTokenType.Newline or PyTokenType.EndMarker)) end++;
            var owner = open.Count > 0 ? open[^1].Block : null;
            bool direct = open.Count > 0 ? open[^1].BodyDepth == depth : depth == 0;
            bool opensBlock = ReadLogicalLine(i, end, owner, direct, ref pendingDecorator, out var block);
            lastContentToken = end - 1;
            if (block != null)
            {
                if (opensBlock)
                {
                    if (end + 1 >= n || Tokens[end + 1].Type != PyTokenType.Indent)
                        throw new PySyntaxError("expected an indented block", Tokens[end].StartLine + 1, 0);
                    open.Add((block, depth + 1));
                }
                else
                {
                    block.LastToken = end - 1;
                    block.EndLine = Tokens[end - 1].EndLine;
                }
            }
            i = end + 1;
        }
        foreach (var (block, _) in open)
        {
            block.LastToken = Math.Max(lastContentToken, block.FirstToken);
            block.EndLine = Tokens[block.LastToken].EndLine;
        }
    }

    /// <summary>Records one logical line [start, end); returns whether it is a def/class header followed by an indented body.</summary>
    private bool ReadLogicalLine(int start, int end, PyBlock? owner, bool direct, ref int pendingDecorator, out PyBlock? block)
    {
        block = null;
        var first = Tokens[start];
        if (IsOp(start, "@"))
        {
            if (pendingDecorator < 0) pendingDecorator = first.StartLine;
            Statements.Add(new PyStatement(PyStatementKind.Decorator, first.StartLine, Tokens[end - 1].EndLine, owner, direct));
            return false;
        }
        int k = IsName(start, "async") && IsName(start + 1, "def") ? start + 1 : start;
        if (IsName(k, "def") || IsName(k, "class"))
        {
            if (k + 1 >= end || Tokens[k + 1].Type != PyTokenType.Name)
                throw new PySyntaxError("invalid syntax", Tokens[k].StartLine, Tokens[k].EndCol);
            int colon = DepthZero(k + 2, end, j => IsOp(j, ":"));
            if (colon < 0) throw new PySyntaxError("expected ':'", Tokens[end - 1].StartLine, Tokens[end - 1].EndCol);
            block = new PyBlock
            {
                IsClass = Tokens[k].Text == "class",
                Name = Tokens[k + 1].Text,
                DecoratorLine = pendingDecorator >= 0 ? pendingDecorator : first.StartLine,
                HeaderLine = first.StartLine,
                HeaderEndLine = Tokens[colon].EndLine,
                Parent = owner,
                FirstToken = start,
            };
            pendingDecorator = -1;
            (owner?.Children ?? TopLevel).Add(block);
            return colon == end - 1;
        }
        pendingDecorator = -1;
        Statements.Add(new PyStatement(Classify(start, end), first.StartLine, Tokens[end - 1].EndLine, owner, direct));
        return false;
    }

    private PyStatementKind Classify(int start, int end)
    {
        var first = Tokens[start];
        if (first.Type == PyTokenType.Name && first.Text is "import" or "from") return PyStatementKind.Import;
        if (first.Type == PyTokenType.Name && CompoundOrSimpleKeywords.Contains(first.Text)) return PyStatementKind.Other;
        if (first.Type == PyTokenType.Name && first.Text is "match" or "case" && IsOp(end - 1, ":") && !IsOp(start + 1, "=")
            && DepthZero(start, end, j => IsOp(j, "=")) < 0) return PyStatementKind.Other;
        if (DepthZero(start, end, j => IsOp(j, "=")) >= 0) return PyStatementKind.Assign;
        if (DepthZero(start, end, j => Tokens[j].Type == PyTokenType.Op && AugmentedOps.Contains(Tokens[j].Text)) >= 0) return PyStatementKind.AugAssign;
        if (!IsName(start, "lambda") && DepthZero(start, end, j => IsOp(j, ":")) >= 0) return PyStatementKind.AnnAssign;
        bool onlyStrings = true;
        for (int j = start; j < end && onlyStrings; j++) onlyStrings = Tokens[j].Type == PyTokenType.String;
        return onlyStrings ? PyStatementKind.Docstring : PyStatementKind.Expr;
    }

    /// <summary>First index in [start, end) outside any bracket where <paramref name="test"/> holds, or -1.</summary>
    public int DepthZero(int start, int end, Func<int, bool> test)
    {
        for (int j = start; j < end; j++)
        {
            if (test(j)) return j;
            if (Match[j] > j) j = Match[j];
        }
        return -1;
    }
}
