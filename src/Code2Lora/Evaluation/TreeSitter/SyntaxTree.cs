using System.Runtime.InteropServices;
using System.Text;

namespace Code2Lora.Evaluation.TreeSitter;

/// <summary>One node of a parsed tree: its type, tree-sitter (row, byte column) span and children (named and anonymous,
/// as py-tree-sitter's <c>Node.children</c> lists them). Valid while its <see cref="SyntaxTree"/> is alive.</summary>
internal sealed class SyntaxNode
{
    private readonly SyntaxTree _tree;
    private readonly TsNode _native;
    private SyntaxNode[]? _children;

    internal SyntaxNode(SyntaxTree tree, TsNode native)
    {
        _tree = tree;
        _native = native;
        Type = tree.TypeName(native);
        Span = tree.SpanOf(native);
    }

    /// <summary>The grammar's node type ("identifier", "assignment", "(", …).</summary>
    public string Type { get; }

    /// <summary>Start and end as tree-sitter reports them: zero-based rows, UTF-8 byte columns.</summary>
    public TokenSpan Span { get; }

    /// <summary>All children in order.</summary>
    public IReadOnlyList<SyntaxNode> Children => _children ??= _tree.ChildrenOf(_native);

    /// <summary>The node's S-expression (ts_node_string: named nodes, field labels, ERROR and MISSING marks), what py-tree-sitter's str(node) returns.</summary>
    public string SExpression() => _tree.SExpressionOf(_native);

    /// <summary>The child under a grammar field ("left", "right", "name", "value"), or null.</summary>
    public SyntaxNode? ChildByField(string field)
    {
        var found = _tree.ChildByField(_native, field);
        if (found is null) return null;
        foreach (var child in Children)
        {
            if (child._native.Id == found.Value.Id && child.Span == _tree.SpanOf(found.Value)) return child;
        }
        // A field can sit on a node that a hidden rule wraps; it is still a node of this tree.
        return new SyntaxNode(_tree, found.Value);
    }
}

/// <summary>A node's start and end (row, column), the key CodeBLEU's data flow uses to name tokens.</summary>
internal readonly record struct TokenSpan(int StartRow, int StartColumn, int EndRow, int EndColumn);

/// <summary>A tree-sitter-python parse of one string; frees the native tree on dispose. Never fails: broken code yields ERROR and MISSING nodes.</summary>
internal sealed unsafe class SyntaxTree : IDisposable
{
    [ThreadStatic] private static nint t_parser;
    private static readonly Dictionary<nint, string> TypeNames = new();
    private readonly TreeSitterLibrary.Bindings _api;
    private nint _tree;

    private SyntaxTree(TreeSitterLibrary.Bindings api, nint tree)
    {
        _api = api;
        _tree = tree;
        Root = new SyntaxNode(this, api.TreeRootNode(tree));
    }

    /// <summary>The module node.</summary>
    public SyntaxNode Root { get; }

    /// <summary>Parses <paramref name="source"/> as UTF-8 Python with a parser owned by the calling thread.</summary>
    public static SyntaxTree Parse(string source)
    {
        var api = TreeSitterLibrary.Api;
        if (t_parser == 0)
        {
            var parser = api.ParserNew();
            if (api.ParserSetLanguage(parser, api.Python) == 0) throw new TreeSitterUnavailableException("ts_parser_set_language refused the Python grammar");
            t_parser = parser;
        }
        var bytes = Encoding.UTF8.GetBytes(source);
        nint tree;
        fixed (byte* p = bytes) tree = api.ParserParseString(t_parser, 0, p, (uint)bytes.Length);
        if (tree == 0) throw new InvalidOperationException("tree-sitter returned no tree (parse cancelled)");
        return new SyntaxTree(api, tree);
    }

    internal string TypeName(TsNode node)
    {
        var ptr = _api.NodeType(node);
        lock (TypeNames)
        {
            if (!TypeNames.TryGetValue(ptr, out var name)) TypeNames[ptr] = name = Marshal.PtrToStringUTF8(ptr) ?? "";
            return name;
        }
    }

    internal TokenSpan SpanOf(TsNode node)
    {
        var start = _api.NodeStartPoint(node);
        var end = _api.NodeEndPoint(node);
        return new TokenSpan((int)start.Row, (int)start.Column, (int)end.Row, (int)end.Column);
    }

    internal SyntaxNode[] ChildrenOf(TsNode node)
    {
        ObjectDisposedException.ThrowIf(_tree == 0, this);
        var cursor = _api.CursorNew(node);
        try
        {
            if (_api.CursorGotoFirstChild(&cursor) == 0) return [];
            var children = new List<SyntaxNode>();
            do children.Add(new SyntaxNode(this, _api.CursorCurrentNode(&cursor)));
            while (_api.CursorGotoNextSibling(&cursor) != 0);
            return children.ToArray();
        }
        finally { _api.CursorDelete(&cursor); }
    }

    internal string SExpressionOf(TsNode node)
    {
        ObjectDisposedException.ThrowIf(_tree == 0, this);
        var text = _api.NodeString(node);
        try { return Marshal.PtrToStringUTF8((nint)text) ?? ""; }
        finally { NativeMemory.Free(text); }
    }

    internal TsNode? ChildByField(TsNode node, string field)
    {
        ObjectDisposedException.ThrowIf(_tree == 0, this);
        var name = Encoding.ASCII.GetBytes(field);
        TsNode found;
        fixed (byte* p = name) found = _api.NodeChildByFieldName(node, p, (uint)name.Length);
        return found.Id == 0 ? null : found;
    }

    /// <summary>Frees the native tree.</summary>
    public void Dispose()
    {
        if (_tree == 0) return;
        _api.TreeDelete(_tree);
        _tree = 0;
    }
}
