namespace Code2Lora.Config;

/// <summary>Locates this checkout's folders (data/, results/) from wherever the code runs: CLI, tests, notebooks.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string?> _root = new(() =>
        Find(Environment.GetEnvironmentVariable("C2L_ROOT")) ?? Find(Environment.CurrentDirectory) ?? Find(AppContext.BaseDirectory));

    /// <summary>The checkout root (the folder holding Code2Lora.sln); C2L_ROOT overrides.</summary>
    public static string Root => _root.Value ?? throw new InvalidOperationException(
        "cannot find the Code2Lora checkout (a folder with Code2Lora.sln) above the current directory; run from inside it or set C2L_ROOT.");

    /// <summary>The checkout root, or null when the code runs outside a checkout.</summary>
    public static string? TryRoot => _root.Value;

    /// <summary>data/ of the checkout.</summary>
    public static string Data => Path.Combine(Root, "data");
    /// <summary>data/work/: generated, not committed (forge repositories, Debian snapshots, built benchmarks).</summary>
    public static string Work => Path.Combine(Root, "data", "work");
    /// <summary>data/histories/manifest.tsv: the committed list of shipped real git histories (URL, licence, HEAD, sha256).</summary>
    public static string HistoryManifest => Path.Combine(Root, "data", "histories", "manifest.tsv");
    /// <summary>Where the history bundles are read from: the folder in C2L_HISTORIES, else data/histories/.</summary>
    public static string HistoryBundles => Environment.GetEnvironmentVariable("C2L_HISTORIES") is { Length: > 0 } dir
        ? Path.GetFullPath(dir) : Path.Combine(Root, "data", "histories");
    /// <summary>data/work/histories/: bare clones of the history bundles, one folder per repository (owner__name).</summary>
    public static string HistoryCache => Path.Combine(Work, "histories");
    /// <summary>The environment variable that moves <see cref="Results"/> elsewhere (c2l-notebook --out sets it, so a notebook run
    /// into another folder leaves the committed results alone).</summary>
    public const string ResultsVariable = "C2L_RESULTS";

    /// <summary>results/ of the checkout: committed reports, figures and benchmark files with provenance; <see cref="ResultsVariable"/>
    /// overrides it (c2l-notebook --out points it at a copy of the committed results).</summary>
    public static string Results => Environment.GetEnvironmentVariable(ResultsVariable) is { Length: > 0 } elsewhere
        ? Path.GetFullPath(elsewhere) : Path.Combine(Root, "results");

    /// <summary>A path relative to the checkout root when it lies inside it (for reports that get committed), else unchanged.</summary>
    public static string Relative(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return _root.Value is { } root && full.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? System.IO.Path.GetRelativePath(root, full) : full;
    }

    private static string? Find(string? start)
    {
        for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Code2Lora.sln"))) return dir.FullName;
        return null;
    }
}
