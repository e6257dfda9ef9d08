using System.Text;

namespace Code2Lora.Forge;

/// <summary>Renders the package's production code (<c>__init__.py</c> and one file per module) from a <see cref="RepoState"/>.</summary>
internal static class PythonModuleRenderer
{
    public static string Module(RepoState state, string module)
    {
        var facts = state.Live.Where(f => f.Module == module).ToList();
        var sb = new StringBuilder();
        sb.Append($"\"\"\"{NameForge.Pascal(state.Package)} {module.Replace('_', ' ')}: part of a toolkit for {state.Domain.Topic}.");
        int revision = state.DocRevisions[module];
        if (revision > 0)
        {
            sb.Append("\n\n");
            sb.Append(DocNotes[(revision - 1) % DocNotes.Length]);
            if (revision > DocNotes.Length) sb.Append($" (revision {revision})");
            sb.Append('\n');
        }
        sb.Append("\"\"\"\n");
        if (facts.Any(f => f.NeedsWarnings)) sb.Append("\nimport warnings\n");
        foreach (var fact in facts)
        {
            sb.Append("\n\n");
            foreach (var line in fact.Definition()) sb.Append(line).Append('\n');
        }
        foreach (var (_, lines) in state.InternalHelpers[module])
        {
            sb.Append("\n\n");
            foreach (var line in lines) sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static readonly string[] DocNotes =
    [
        "Values here are part of the public API; tests pin them.",
        "Keep this module free of imports from sibling modules.",
        "Names follow the package prefix convention.",
        "Changes to defaults are recorded in CHANGELOG.md.",
    ];

    public static string Init(RepoState state)
    {
        var sb = new StringBuilder();
        sb.Append($"\"\"\"{state.Package}: a small toolkit for {state.Domain.Topic}.\"\"\"\n");
        var exports = new List<string>();
        bool first = true;
        foreach (var module in state.Modules)
        {
            var names = state.Live.Where(f => f.Module == module).SelectMany(f => f.Exports).ToList();
            if (names.Count == 0) continue;
            if (first) { sb.Append('\n'); first = false; }
            sb.Append(FromImport($".{module}", names));
            exports.AddRange(names);
        }
        if (exports.Count > 0)
        {
            sb.Append("\n__all__ = [\n");
            foreach (var name in exports.OrderBy(n => n, StringComparer.Ordinal)) sb.Append($"    {PyLit.Str(name)},\n");
            sb.Append("]\n");
        }
        return sb.ToString();
    }

    /// <summary>A <c>from X import a, b</c> line, wrapped in parentheses when it would exceed 99 characters.</summary>
    public static string FromImport(string module, IEnumerable<string> names)
    {
        var sorted = names.Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var line = $"from {module} import {string.Join(", ", sorted)}";
        if (line.Length <= 99) return line + "\n";
        return $"from {module} import (\n" + string.Concat(sorted.Select(n => $"    {n},\n")) + ")\n";
    }
}
