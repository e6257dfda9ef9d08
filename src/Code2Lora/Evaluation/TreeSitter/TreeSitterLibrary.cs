using System.Runtime.InteropServices;

namespace Code2Lora.Evaluation.TreeSitter;

/// <summary>The tree-sitter runtime (Debian's libtree-sitter0) and the tree-sitter-python grammar (the npm package's
/// prebuilt Node addon, which exports the plain C entry point <c>tree_sitter_python</c>), bound through function pointers
/// so loading never depends on a process-wide DllImport resolver. scripts/install.sh installs both.</summary>
internal static unsafe class TreeSitterLibrary
{
    /// <summary>The grammar version CodeBLEU's known answers were computed with (the codebleu package's tree-sitter-python ~=0.21 resolves to it).</summary>
    public const string GrammarVersion = "0.23.6";

    /// <summary>Overrides the grammar's path (a tree-sitter-python.node or .so exporting tree_sitter_python).</summary>
    public const string GrammarVariable = "C2L_TREE_SITTER_PYTHON";

    /// <summary>Overrides the runtime's path (libtree-sitter.so.0).</summary>
    public const string RuntimeVariable = "C2L_TREE_SITTER_LIB";

    private static readonly Lazy<Bindings> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The bound functions; throws <see cref="TreeSitterUnavailableException"/> naming the fix when a library is missing.</summary>
    public static Bindings Api => Loaded.Value;

    /// <summary>True when both libraries load (tests and reports use it to say why CodeBLEU is absent).</summary>
    public static bool IsAvailable
    {
        get
        {
            try { _ = Loaded.Value; return true; }
            catch (TreeSitterUnavailableException) { return false; }
        }
    }

    /// <summary>Where scripts/install.sh unpacks the grammar, relative to the repository root.</summary>
    public static string GrammarRelativePath => Path.Combine(".tools", "tree-sitter-python", GrammarVersion,
        RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", "tree-sitter-python.node");

    private static Bindings Load()
    {
        var runtimePath = Environment.GetEnvironmentVariable(RuntimeVariable);
        nint runtime = 0;
        if (!string.IsNullOrEmpty(runtimePath) ? !NativeLibrary.TryLoad(runtimePath, out runtime)
            : !NativeLibrary.TryLoad("libtree-sitter.so.0", out runtime) && !NativeLibrary.TryLoad("libtree-sitter.so", out runtime))
        {
            throw new TreeSitterUnavailableException(
                $"the tree-sitter runtime ({(string.IsNullOrEmpty(runtimePath) ? "libtree-sitter.so.0" : runtimePath)}) could not be loaded; " +
                $"run scripts/install.sh (it installs Debian's libtree-sitter0) or set {RuntimeVariable} to the library's path");
        }
        var grammarPath = FindGrammar();
        if (grammarPath is null || !NativeLibrary.TryLoad(grammarPath, out var grammar))
        {
            throw new TreeSitterUnavailableException(
                $"the tree-sitter-python {GrammarVersion} grammar was not found ({grammarPath ?? GrammarRelativePath + " above " + AppContext.BaseDirectory}); " +
                $"run scripts/install.sh (it unpacks the npm package tree-sitter-python@{GrammarVersion} into .tools/) or set {GrammarVariable} to its path");
        }
        var bindings = new Bindings(runtime, grammar);
        var version = bindings.LanguageVersion(bindings.Python);
        if (version is < 13 or > 14)
        {
            throw new TreeSitterUnavailableException($"{grammarPath} has tree-sitter ABI {version}; the runtime loaded reads ABI 13–14. " +
                $"Use tree-sitter-python {GrammarVersion} (scripts/install.sh)");
        }
        return bindings;
    }

    private static string? FindGrammar()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(GrammarVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, GrammarRelativePath);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>The C functions CodeBLEU uses (tree-sitter's api.h; TSNode is passed and returned by value).</summary>
    internal sealed class Bindings
    {
        public readonly nint Python;
        public readonly delegate* unmanaged<nint> ParserNew;
        public readonly delegate* unmanaged<nint, nint, byte> ParserSetLanguage;
        public readonly delegate* unmanaged<nint, nint, byte*, uint, nint> ParserParseString;
        public readonly delegate* unmanaged<nint, void> TreeDelete;
        public readonly delegate* unmanaged<nint, TsNode> TreeRootNode;
        public readonly delegate* unmanaged<TsNode, nint> NodeType;
        public readonly delegate* unmanaged<TsNode, byte*> NodeString;
        public readonly delegate* unmanaged<TsNode, TsPoint> NodeStartPoint;
        public readonly delegate* unmanaged<TsNode, TsPoint> NodeEndPoint;
        public readonly delegate* unmanaged<TsNode, byte*, uint, TsNode> NodeChildByFieldName;
        public readonly delegate* unmanaged<TsNode, TsCursor> CursorNew;
        public readonly delegate* unmanaged<TsCursor*, void> CursorDelete;
        public readonly delegate* unmanaged<TsCursor*, byte> CursorGotoFirstChild;
        public readonly delegate* unmanaged<TsCursor*, byte> CursorGotoNextSibling;
        public readonly delegate* unmanaged<TsCursor*, TsNode> CursorCurrentNode;
        private readonly delegate* unmanaged<nint, uint> _languageVersion;

        public Bindings(nint runtime, nint grammar)
        {
            nint Get(string name) => NativeLibrary.TryGetExport(runtime, name, out var f) ? f
                : throw new TreeSitterUnavailableException($"the tree-sitter runtime lacks {name}; install Debian's libtree-sitter0 (0.20.7 or later)");
            if (!NativeLibrary.TryGetExport(grammar, "tree_sitter_python", out var language))
                throw new TreeSitterUnavailableException("the grammar library does not export tree_sitter_python; reinstall it with scripts/install.sh");
            Python = ((delegate* unmanaged<nint>)language)();
            ParserNew = (delegate* unmanaged<nint>)Get("ts_parser_new");
            ParserSetLanguage = (delegate* unmanaged<nint, nint, byte>)Get("ts_parser_set_language");
            ParserParseString = (delegate* unmanaged<nint, nint, byte*, uint, nint>)Get("ts_parser_parse_string");
            TreeDelete = (delegate* unmanaged<nint, void>)Get("ts_tree_delete");
            TreeRootNode = (delegate* unmanaged<nint, TsNode>)Get("ts_tree_root_node");
            NodeType = (delegate* unmanaged<TsNode, nint>)Get("ts_node_type");
            NodeString = (delegate* unmanaged<TsNode, byte*>)Get("ts_node_string");
            NodeStartPoint = (delegate* unmanaged<TsNode, TsPoint>)Get("ts_node_start_point");
            NodeEndPoint = (delegate* unmanaged<TsNode, TsPoint>)Get("ts_node_end_point");
            NodeChildByFieldName = (delegate* unmanaged<TsNode, byte*, uint, TsNode>)Get("ts_node_child_by_field_name");
            CursorNew = (delegate* unmanaged<TsNode, TsCursor>)Get("ts_tree_cursor_new");
            CursorDelete = (delegate* unmanaged<TsCursor*, void>)Get("ts_tree_cursor_delete");
            CursorGotoFirstChild = (delegate* unmanaged<TsCursor*, byte>)Get("ts_tree_cursor_goto_first_child");
            CursorGotoNextSibling = (delegate* unmanaged<TsCursor*, byte>)Get("ts_tree_cursor_goto_next_sibling");
            CursorCurrentNode = (delegate* unmanaged<TsCursor*, TsNode>)Get("ts_tree_cursor_current_node");
            _languageVersion = (delegate* unmanaged<nint, uint>)Get("ts_language_version");
        }

        public uint LanguageVersion(nint language) => _languageVersion(language);
    }
}

/// <summary>tree-sitter's TSNode (api.h): four context words, the subtree id and the tree.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TsNode
{
    public uint Context0, Context1, Context2, Context3;
    public nint Id;
    public nint Tree;
}

/// <summary>tree-sitter's TSPoint: zero-based row and byte column.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct TsPoint
{
    public readonly uint Row;
    public readonly uint Column;
}

/// <summary>tree-sitter's TSTreeCursor, with room for the larger layouts of newer runtimes (only ever handled by pointer).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TsCursor
{
    public nint Tree, Id;
    public uint Context0, Context1, Context2, Context3;
}

/// <summary>The tree-sitter runtime or the Python grammar cannot be loaded; the message names the fix.</summary>
public sealed class TreeSitterUnavailableException(string message) : Exception("CodeBLEU needs tree-sitter: " + message);
