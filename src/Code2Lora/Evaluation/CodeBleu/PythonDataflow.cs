using System.Globalization;
using System.Text;
using Code2Lora.Evaluation.TreeSitter;

namespace Code2Lora.Evaluation;

/// <summary>One data-flow edge: variable token <see cref="Code"/> at token position <see cref="Index"/> "comesFrom" or
/// "computedFrom" the tokens named in <see cref="ParentNames"/> at <see cref="ParentIndices"/>.</summary>
internal sealed record DataflowEdge(string Code, int Index, string Relation, IReadOnlyList<string> ParentNames, IReadOnlyList<int> ParentIndices);

/// <summary>The codebleu package's Python data-flow graph (GraphCodeBERT's DFG_python and get_data_flow) over a tree-sitter
/// tree: assignments, default parameters, comprehensions, if/for/while with the loops walked twice, then only edges that
/// take part in a flow, merged per token.</summary>
internal sealed class PythonDataflow
{
    private const string ComesFrom = "comesFrom";
    private const string ComputedFrom = "computedFrom";

    // Python raises RecursionError near 1000 frames and the package then scores an empty graph; deeper trees do the same here.
    private const int MaxDepth = 950;

    // The package walks every loop body twice, so nested loops cost 2^depth; past this many visits the graph is dropped
    // as if the walk had failed, instead of running for minutes on a pathological prediction.
    private const int MaxVisits = 2_000_000;

    private readonly Dictionary<TokenSpan, (int Index, string Code)> _tokens = new();
    private int _visits;

    private PythonDataflow() { }

    /// <summary>The merged data-flow edges of <paramref name="code"/> parsed as <paramref name="tree"/>; empty when the
    /// package's walk would raise (a missing field on broken code, too deep a tree).</summary>
    public static IReadOnlyList<DataflowEdge> Extract(SyntaxTree tree, string code)
    {
        var flow = new PythonDataflow();
        List<DataflowEdge> edges;
        try
        {
            var spans = new List<TokenSpan>();
            CollectTokens(tree.Root, spans, 0);
            var lines = code.Split('\n');
            for (int i = 0; i < spans.Count; i++) flow._tokens[spans[i]] = (i, TokenText(spans[i], lines));
            try { edges = flow.Walk(tree.Root, new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal), 0).Edges; }
            catch (DataflowAbort) { edges = []; }
        }
        catch (DataflowAbort) { return []; }

        edges = SortByIndex(edges);
        var flowing = new HashSet<int>();
        foreach (var e in edges)
        {
            if (e.ParentIndices.Count != 0) flowing.Add(e.Index);
            flowing.UnionWith(e.ParentIndices);
        }
        var merged = new Dictionary<int, DataflowEdge>();
        var order = new List<int>();
        foreach (var e in edges.Where(e => flowing.Contains(e.Index)))
        {
            if (!merged.TryGetValue(e.Index, out var seen))
            {
                merged[e.Index] = e;
                order.Add(e.Index);
            }
            else merged[e.Index] = e with { ParentNames = SetOrder(seen.ParentNames, e.ParentNames), ParentIndices = seen.ParentIndices.Concat(e.ParentIndices).Distinct().ToArray() };
        }
        return order.Select(i => merged[i]).ToList();
    }

    /// <summary>normalize_dataflow: variables renamed var_0, var_1, … in order of first appearance (parents before the variable).</summary>
    public static List<(string Variable, string Relation, string[] Parents)> Normalize(IReadOnlyList<DataflowEdge> edges)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Name(string v)
        {
            if (!names.TryGetValue(v, out var n)) names[v] = n = "var_" + names.Count.ToString(CultureInfo.InvariantCulture);
            return n;
        }
        var result = new List<(string, string, string[])>(edges.Count);
        foreach (var e in edges)
        {
            var parents = e.ParentNames.Select(Name).ToArray();
            result.Add((Name(e.Code), e.Relation, parents));
        }
        return result;
    }

    /// <summary>tree_to_token_index: leaves, plus whole string literals, minus comments, in source order.</summary>
    private static void CollectTokens(SyntaxNode node, List<TokenSpan> spans, int depth)
    {
        if (depth > MaxDepth) throw new DataflowAbort();
        if (IsToken(node))
        {
            spans.Add(node.Span);
            return;
        }
        foreach (var child in node.Children) CollectTokens(child, spans, depth + 1);
    }

    private static bool IsToken(SyntaxNode node) =>
        (node.Children.Count == 0 || node.Type is "string_literal" or "string" or "character_literal") && node.Type != "comment";

    /// <summary>index_to_code_token: the text between two tree-sitter points. Their columns count UTF-8 bytes while the
    /// package slices Python strings by code points; that slicing is reproduced, so non-ASCII lines give the same tokens.</summary>
    private static string TokenText(TokenSpan span, string[] lines)
    {
        string Line(int row) => row < lines.Length ? lines[row] : throw new DataflowAbort();
        if (span.StartRow == span.EndRow) return Slice(Line(span.StartRow), span.StartColumn, span.EndColumn);
        var text = new StringBuilder(Slice(Line(span.StartRow), span.StartColumn, int.MaxValue));
        for (int row = span.StartRow + 1; row < span.EndRow; row++) text.Append(Line(row));
        text.Append(Slice(Line(span.EndRow), 0, span.EndColumn));
        return text.ToString();
    }

    /// <summary>Python's s[start:end] on code points, clamped like a slice.</summary>
    private static string Slice(string s, int start, int end)
    {
        if (Ascii.IsValid(s))
        {
            start = Math.Min(start, s.Length);
            end = Math.Min(end, s.Length);
            return end > start ? s[start..end] : "";
        }
        var points = new List<string>();
        for (int i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1) points.Add(s.Substring(i, char.IsSurrogatePair(s, i) ? 2 : 1));
        start = Math.Min(start, points.Count);
        end = Math.Min(end, points.Count);
        return end > start ? string.Concat(points.Skip(start).Take(end - start)) : "";
    }

    /// <summary>tree_to_variable_index: the token spans under <paramref name="node"/> whose text differs from their type (names, literals; not keywords or operators).</summary>
    private List<TokenSpan> VariableTokens(SyntaxNode? node, int depth)
    {
        if (node is null) throw new DataflowAbort(); // the package reads .children of None and raises
        if (depth > MaxDepth) throw new DataflowAbort();
        if (IsToken(node))
        {
            var (_, code) = Token(node.Span);
            return node.Type != code ? [node.Span] : [];
        }
        var spans = new List<TokenSpan>();
        foreach (var child in node.Children) spans.AddRange(VariableTokens(child, depth + 1));
        return spans;
    }

    private (int Index, string Code) Token(TokenSpan span) => _tokens.TryGetValue(span, out var t) ? t : throw new DataflowAbort();

    private (List<DataflowEdge> Edges, Dictionary<string, IReadOnlyList<int>> States) Walk(SyntaxNode node, Dictionary<string, IReadOnlyList<int>> inherited, int depth)
    {
        if (depth > MaxDepth || ++_visits > MaxVisits) throw new DataflowAbort();
        var states = new Dictionary<string, IReadOnlyList<int>>(inherited, StringComparer.Ordinal);
        if (IsToken(node))
        {
            var (idx, code) = Token(node.Span);
            if (node.Type == code) return ([], states);
            if (states.TryGetValue(code, out var from)) return ([new DataflowEdge(code, idx, ComesFrom, [code], from.ToArray())], states);
            if (node.Type == "identifier") states[code] = [idx];
            return ([new DataflowEdge(code, idx, ComesFrom, [], [])], states);
        }
        switch (node.Type)
        {
            case "default_parameter": return DefaultParameter(node, states, depth);
            case "assignment" or "augmented_assignment" or "for_in_clause": return Assignment(node, states, depth);
            case "if_statement": return IfStatement(node, states, depth);
            case "for_statement": return ForStatement(node, states, depth);
            case "while_statement": return WhileStatement(node, states, depth);
        }
        var edges = new List<DataflowEdge>();
        // Comprehension clauses bind their variables before the element expression that precedes them is read.
        foreach (var child in node.Children.Where(c => c.Type == "for_in_clause").Concat(node.Children.Where(c => c.Type != "for_in_clause")))
        {
            (var temp, states) = Walk(child, states, depth + 1);
            edges.AddRange(temp);
        }
        return (SortByIndex(edges), states);
    }

    private (List<DataflowEdge>, Dictionary<string, IReadOnlyList<int>>) DefaultParameter(SyntaxNode node, Dictionary<string, IReadOnlyList<int>> states, int depth)
    {
        var name = node.ChildByField("name");
        var value = node.ChildByField("value");
        var edges = new List<DataflowEdge>();
        if (value is null)
        {
            foreach (var span in VariableTokens(name, depth + 1))
            {
                var (idx, code) = Token(span);
                edges.Add(new DataflowEdge(code, idx, ComesFrom, [], []));
                states[code] = [idx];
            }
            return (SortByIndex(edges), states);
        }
        var nameTokens = VariableTokens(name, depth + 1);
        var valueTokens = VariableTokens(value, depth + 1);
        (var temp, states) = Walk(value, states, depth + 1);
        edges.AddRange(temp);
        foreach (var span1 in nameTokens)
        {
            var (idx1, code1) = Token(span1);
            foreach (var span2 in valueTokens)
            {
                var (idx2, code2) = Token(span2);
                edges.Add(new DataflowEdge(code1, idx1, ComesFrom, [code2], [idx2]));
            }
            states[code1] = [idx1];
        }
        return (SortByIndex(edges), states);
    }

    private (List<DataflowEdge>, Dictionary<string, IReadOnlyList<int>>) Assignment(SyntaxNode node, Dictionary<string, IReadOnlyList<int>> states, int depth)
    {
        List<SyntaxNode?> lefts, rights;
        if (node.Type == "for_in_clause")
        {
            rights = [node.Children[^1]];
            lefts = [node.ChildByField("left")];
        }
        else
        {
            if (node.ChildByField("right") is null) return ([], states);
            (lefts, rights) = PairSides(node);
        }
        var edges = new List<DataflowEdge>();
        foreach (var right in rights)
        {
            (var temp, states) = Walk(right!, states, depth + 1);
            edges.AddRange(temp);
        }
        AddComputedFrom(lefts, rights, edges, states, depth);
        return (SortByIndex(edges), states);
    }

    /// <summary>Targets and values paired element-wise when both sides are comma lists of one length, else whole side to whole side.</summary>
    private static (List<SyntaxNode?> Lefts, List<SyntaxNode?> Rights) PairSides(SyntaxNode node)
    {
        var left = node.ChildByField("left") ?? throw new DataflowAbort();
        var right = node.ChildByField("right") ?? throw new DataflowAbort();
        List<SyntaxNode?> lefts = left.Children.Where(c => c.Type != ",").ToList<SyntaxNode?>();
        List<SyntaxNode?> rights = right.Children.Where(c => c.Type != ",").ToList<SyntaxNode?>();
        if (lefts.Count != rights.Count)
        {
            lefts = [left];
            rights = [right];
        }
        if (lefts.Count == 0) lefts = [left];
        if (rights.Count == 0) rights = [right];
        return (lefts, rights);
    }

    private void AddComputedFrom(List<SyntaxNode?> lefts, List<SyntaxNode?> rights, List<DataflowEdge> edges, Dictionary<string, IReadOnlyList<int>> states, int depth)
    {
        for (int i = 0; i < Math.Min(lefts.Count, rights.Count); i++)
        {
            var leftTokens = VariableTokens(lefts[i], depth + 1);
            var rightTokens = VariableTokens(rights[i], depth + 1).Select(Token).ToList();
            foreach (var span in leftTokens)
            {
                var (idx1, code1) = Token(span);
                edges.Add(new DataflowEdge(code1, idx1, ComputedFrom, rightTokens.Select(t => t.Code).ToArray(), rightTokens.Select(t => t.Index).ToArray()));
                states[code1] = [idx1];
            }
        }
    }

    private (List<DataflowEdge>, Dictionary<string, IReadOnlyList<int>>) IfStatement(SyntaxNode node, Dictionary<string, IReadOnlyList<int>> states, int depth)
    {
        var edges = new List<DataflowEdge>();
        var current = new Dictionary<string, IReadOnlyList<int>>(states, StringComparer.Ordinal);
        var branches = new List<Dictionary<string, IReadOnlyList<int>>>();
        bool hasElse = false;
        foreach (var child in node.Children)
        {
            if (child.Type.Contains("else", StringComparison.Ordinal)) hasElse = true;
            if (child.Type is not ("elif_clause" or "else_clause"))
            {
                (var temp, current) = Walk(child, current, depth + 1);
                edges.AddRange(temp);
            }
            else
            {
                var (temp, branch) = Walk(child, states, depth + 1);
                edges.AddRange(temp);
                branches.Add(branch);
            }
        }
        branches.Add(current);
        if (!hasElse) branches.Add(states);
        var joined = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        foreach (var branch in branches)
        {
            foreach (var (key, value) in branch) joined[key] = joined.TryGetValue(key, out var seen) ? seen.Concat(value).ToArray() : value;
        }
        foreach (var key in joined.Keys.ToList()) joined[key] = joined[key].Distinct().Order().ToArray();
        return (SortByIndex(edges), joined);
    }

    private (List<DataflowEdge>, Dictionary<string, IReadOnlyList<int>>) ForStatement(SyntaxNode node, Dictionary<string, IReadOnlyList<int>> states, int depth)
    {
        var edges = new List<DataflowEdge>();
        for (int pass = 0; pass < 2; pass++)
        {
            var (lefts, rights) = PairSides(node);
            foreach (var right in rights)
            {
                (var temp, states) = Walk(right!, states, depth + 1);
                edges.AddRange(temp);
            }
            AddComputedFrom(lefts, rights, edges, states, depth);
            // With a for-else the last child is the else clause and the package skips the body entirely.
            if (node.Children[^1].Type == "block")
            {
                (var temp, states) = Walk(node.Children[^1], states, depth + 1);
                edges.AddRange(temp);
            }
        }
        return (Deduplicate(edges), states);
    }

    private (List<DataflowEdge>, Dictionary<string, IReadOnlyList<int>>) WhileStatement(SyntaxNode node, Dictionary<string, IReadOnlyList<int>> states, int depth)
    {
        var edges = new List<DataflowEdge>();
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (var child in node.Children)
            {
                (var temp, states) = Walk(child, states, depth + 1);
                edges.AddRange(temp);
            }
        }
        return (Deduplicate(edges), states);
    }

    /// <summary>The loops' merge: one edge per (token, position, relation), parents united, positions sorted.</summary>
    private static List<DataflowEdge> Deduplicate(List<DataflowEdge> edges)
    {
        var merged = new Dictionary<(string, int, string), DataflowEdge>();
        var order = new List<(string, int, string)>();
        foreach (var e in edges)
        {
            var key = (e.Code, e.Index, e.Relation);
            if (!merged.TryGetValue(key, out var seen))
            {
                merged[key] = e;
                order.Add(key);
            }
            else merged[key] = e with { ParentNames = SetOrder(seen.ParentNames, e.ParentNames), ParentIndices = seen.ParentIndices.Concat(e.ParentIndices).Distinct().Order().ToArray() };
        }
        return SortByIndex(order.Select(k => merged[k]).ToList());
    }

    /// <summary>The package unites parent names through a Python set (<c>list(set(a + b))</c>), so their order is that of the
    /// names' string hashes, which change with the interpreter's hash seed: the same names come out in the same order within
    /// a run, different names in an arbitrary one. A fixed 64-bit FNV-1a hash plays that role here, so the score is
    /// reproducible and behaves like the package under one fixed PYTHONHASHSEED (first-appearance order instead would line
    /// renamed variables up perfectly and score loops systematically higher than the package does).</summary>
    private static string[] SetOrder(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Concat(b).Distinct(StringComparer.Ordinal).OrderBy(StableHash).ThenBy(n => n, StringComparer.Ordinal).ToArray();

    private static ulong StableHash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (var c in s) h = (h ^ c) * 1099511628211UL;
        return h;
    }

    /// <summary>Python's stable sorted(…, key=position).</summary>
    private static List<DataflowEdge> SortByIndex(List<DataflowEdge> edges) => edges.OrderBy(e => e.Index).ToList();

    private sealed class DataflowAbort : Exception;
}
