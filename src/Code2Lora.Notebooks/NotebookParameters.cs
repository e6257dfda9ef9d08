using System.Collections;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.DotNet.Interactive.Documents;

namespace Code2Lora.Notebooks;

/// <summary>Papermill-style parameters: the cell tagged "parameters" declares defaults, an injected cell after it overrides them.</summary>
/// <remarks>
/// The injected cell is tagged "injected-parameters" and written into the output notebook, so a reader sees which
/// values produced the outputs; every run first removes the injected cell of the previous run.
/// </remarks>
public static class NotebookParameters
{
    /// <summary>The tag that marks the defaults cell.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag that marks the cell the runner injects.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>Removes injected cells left by earlier runs.</summary>
    public static void RemoveInjected(InteractiveDocument notebook)
    {
        var cells = notebook.Elements;
        for (int i = cells.Count - 1; i >= 0; i--)
            if (Tags(cells[i]).Contains(InjectedTag)) cells.RemoveAt(i);
    }

    /// <summary>The cell's metadata tags (papermill keeps "parameters" / "injected-parameters" there).</summary>
    public static IReadOnlyList<string> Tags(InteractiveDocumentElement cell) =>
        cell.Metadata is { } m && m.TryGetValue("tags", out var tags) && tags is IEnumerable list and not string
            ? list.OfType<string>().ToList()
            : [];

    /// <summary>Inserts the override cell after the parameters cell; throws <see cref="ArgumentException"/> for names the
    /// parameters cell does not declare.  A notebook without a parameters cell runs unchanged (as papermill does, so one
    /// command line can run a folder of notebooks); the returned note says so.</summary>
    public static string? Inject(InteractiveDocument notebook, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0) return null;
        var cells = notebook.Elements;
        int at = cells.ToList().FindIndex(c => !CellKernel.IsMarkdown(c) && Tags(c).Contains(ParametersTag));
        if (at < 0)
            return $"no cell is tagged \"{ParametersTag}\", so {string.Join(", ", values.Keys)} {(values.Count == 1 ? "was" : "were")} not injected";
        var declared = Declarations(cells[at].Contents);
        var unknown = values.Keys.Where(k => !declared.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"parameter {string.Join(", ", unknown.Select(u => $"'{u}'"))} is not declared in the parameters cell " +
                $"(it declares: {(declared.Count == 0 ? "nothing" : string.Join(", ", declared.Keys))}).");
        var source = "// Parameters injected by c2l-notebook\n" +
                     string.Join("\n", values.Select(kv => $"{kv.Key} = {Literal(kv.Value, declared[kv.Key])};"));
        cells.Insert(at + 1, InjectedCell(source));
        return null;
    }

    /// <summary>Top-level variables of a parameters cell and their declared type (for <c>var</c>, the type of the literal).</summary>
    public static IReadOnlyDictionary<string, string> Declarations(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(kind: SourceCodeKind.Script));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var global in tree.GetRoot().ChildNodes())
        {
            VariableDeclarationSyntax? declaration = global switch
            {
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration,
                FieldDeclarationSyntax field => field.Declaration,
                _ => null,
            };
            if (declaration is null) continue;
            foreach (var variable in declaration.Variables)
                result[variable.Identifier.Text] = declaration.Type.IsVar
                    ? LiteralType(variable.Initializer?.Value)
                    : declaration.Type.ToString();
        }
        return result;
    }

    private static string LiteralType(ExpressionSyntax? value) => value switch
    {
        LiteralExpressionSyntax { Token.Value: var v } when v is not null => v switch
        {
            string => "string",
            bool => "bool",
            float => "float",
            decimal => "decimal",
            _ => "number",
        },
        PrefixUnaryExpressionSyntax { Operand: var operand } => LiteralType(operand),
        _ => "unknown",
    };

    // Strings are quoted and escaped; numbers and bools stay raw, with the suffix a float/decimal variable needs.
    private static string Literal(string value, string type)
    {
        if (value == "null" && (type.EndsWith('?') || type.StartsWith("Nullable<", StringComparison.Ordinal))) return "null";
        bool isNumber = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        bool isBool = value is "true" or "false";
        switch (type)
        {
            case "string" or "string?" or "String" or "System.String":
                return SymbolDisplay.FormatLiteral(value, quote: true);
            case "float" when isNumber:
                return value + "f";
            case "decimal" when isNumber:
                return value + "m";
            default:
                return isNumber || isBool ? value : SymbolDisplay.FormatLiteral(value, quote: true);
        }
    }

    private static InteractiveDocumentElement InjectedCell(string source) => new(source, NotebookKernel.CSharp)
    {
        Id = InjectedTag,
        Metadata = new Dictionary<string, object> { ["tags"] = new object[] { InjectedTag } },
    };
}
