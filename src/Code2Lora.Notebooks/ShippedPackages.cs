using System.Text.Json;

namespace Code2Lora.Notebooks;

/// <summary>The NuGet packages whose assemblies this runner carries, read from the host's deps.json.</summary>
/// <remarks>
/// The runner cannot download packages (CI and tests are offline by design, and a pinned set keeps notebook runs
/// reproducible), so a <c>#r "nuget: X"</c> line is honoured only when X is already in the process: its runtime
/// assemblies and those of its dependencies become script references.  The package set is whatever the runner's
/// csproj pulls in, so shipping a new package means adding it there.
/// </remarks>
public sealed class ShippedPackages
{
    // Meta-packages Polyglot users write that resolve, on this runner, to packages it has under another name.
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["TorchSharp-cpu"] = ["TorchSharp", "libtorch-cpu-linux-x64"],
    };

    private readonly Dictionary<string, Library> _libraries;

    private ShippedPackages(Dictionary<string, Library> libraries) => _libraries = libraries;

    private sealed record Library(string Name, string Version, string[] Dependencies, string[] RuntimeFiles);

    /// <summary>The packages of the running process (the runner, or a test host that references it).</summary>
    public static ShippedPackages ForCurrentProcess()
    {
        var depsFiles = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList();
        var own = Path.Combine(AppContext.BaseDirectory, "c2l-notebook.deps.json");
        if (depsFiles.Count == 0 && File.Exists(own)) depsFiles.Add(own);
        var libraries = new Dictionary<string, Library>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in depsFiles) Read(file, libraries);
        return new ShippedPackages(libraries);
    }

    /// <summary>Whether the runner carries the package (by id, case-insensitive; aliases included).</summary>
    public bool Contains(string packageId) =>
        Aliases.TryGetValue(packageId, out var targets) ? targets.All(_libraries.ContainsKey) : _libraries.ContainsKey(packageId);

    /// <summary>The version the runner carries, or null.</summary>
    public string? VersionOf(string packageId) =>
        _libraries.TryGetValue(Aliases.TryGetValue(packageId, out var t) ? t[0] : packageId, out var lib) ? lib.Version : null;

    /// <summary>Paths of the managed assemblies of the package and its dependency closure that exist in the runner's folder.</summary>
    public IReadOnlyList<string> AssembliesOf(string packageId)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(Aliases.TryGetValue(packageId, out var t) ? t : [packageId]);
        var paths = new List<string>();
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (!seen.Add(name) || !_libraries.TryGetValue(name, out var lib)) continue;
            foreach (var file in lib.RuntimeFiles)
            {
                var path = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(file));
                if (File.Exists(path)) paths.Add(path);
            }
            foreach (var dep in lib.Dependencies) pending.Push(dep);
        }
        return paths;
    }

    /// <summary>The file names of every managed assembly the runner carries.</summary>
    public IReadOnlySet<string> AssemblyFileNames =>
        _libraries.Values.SelectMany(l => l.RuntimeFiles).Select(Path.GetFileName).OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static void Read(string depsFile, Dictionary<string, Library> into)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(depsFile));
        var root = doc.RootElement;
        if (!root.TryGetProperty("targets", out var targets)) return;
        foreach (var target in targets.EnumerateObject())
        foreach (var entry in target.Value.EnumerateObject())
        {
            var slash = entry.Name.IndexOf('/');
            if (slash < 0) continue;
            var name = entry.Name[..slash];
            var deps = entry.Value.TryGetProperty("dependencies", out var d) ? d.EnumerateObject().Select(p => p.Name).ToArray() : [];
            var runtime = entry.Value.TryGetProperty("runtime", out var r) ? r.EnumerateObject().Select(p => p.Name).ToArray() : [];
            into.TryAdd(name, new Library(name, entry.Name[(slash + 1)..], deps, runtime));
        }
    }
}
