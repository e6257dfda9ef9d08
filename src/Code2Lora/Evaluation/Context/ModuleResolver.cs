namespace Code2Lora.Evaluation.Context;

/// <summary>
/// Maps a (dotted module, relative level) seen in a file to a .py file of the snapshot. Absolute imports are tried
/// under the repository root, the configured source roots (src/, lib/ …) that exist, every top-level directory that is not
/// itself a package but holds one (a "package dir", e.g. python/mypkg/__init__.py), and finally the importing file's own
/// folder (pytest puts a test's folder on sys.path). Relative imports start from the importing file's folder.
/// Each location tries <c>a/b.py</c> then <c>a/b/__init__.py</c>.
/// </summary>
public sealed class ModuleResolver
{
    private readonly IReadOnlySet<string> files;
    private readonly List<string> roots;

    /// <summary>A resolver over <paramref name="pythonFiles"/> (repo-relative '/' paths).</summary>
    public ModuleResolver(IReadOnlySet<string> pythonFiles, IEnumerable<string> sourceRoots)
    {
        files = pythonFiles;
        var dirs = pythonFiles.Select(Folder).Where(d => d.Length > 0).SelectMany(Ancestors).ToHashSet(StringComparer.Ordinal);
        roots = [""];
        roots.AddRange(sourceRoots.Where(dirs.Contains));
        roots.AddRange(dirs.Where(d => !d.Contains('/') && !roots.Contains(d) && !files.Contains(d + "/__init__.py")
                && pythonFiles.Any(f => f.StartsWith(d + "/", StringComparison.Ordinal) && f.EndsWith("/__init__.py", StringComparison.Ordinal)
                    && f.Count(c => c == '/') == 2))
            .OrderBy(d => d, StringComparer.Ordinal));
    }

    /// <summary>The search roots for absolute imports, in order ("" is the repository root).</summary>
    public IReadOnlyList<string> Roots => roots;

    /// <summary>The file of <paramref name="dotted"/> imported with <paramref name="level"/> leading dots from <paramref name="fromFile"/>, or null.</summary>
    public string? Resolve(string dotted, int level, string fromFile)
    {
        var rel = dotted.Replace('.', '/');
        if (level > 0)
        {
            var dir = Folder(fromFile);
            for (int up = 1; up < level; up++)
            {
                if (dir.Length == 0) return null;
                dir = Folder(dir);
            }
            return Probe(Join(dir, rel));
        }
        if (rel.Length == 0) return null;
        foreach (var root in roots)
            if (Probe(Join(root, rel)) is { } hit) return hit;
        return Probe(Join(Folder(fromFile), rel));
    }

    private string? Probe(string stem)
    {
        if (stem.Length > 0 && files.Contains(stem + ".py")) return stem + ".py";
        var init = Join(stem, "__init__.py");
        return files.Contains(init) ? init : null;
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + "/" + b;

    private static string Folder(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    private static IEnumerable<string> Ancestors(string dir)
    {
        for (var d = dir; d.Length > 0; d = Folder(d)) yield return d;
    }
}
