using System.Text;
using System.Text.RegularExpressions;
using Code2Lora.Bench;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation.Context;

/// <summary>One definition DRC put in a context: where it is from, its name, and whether only its short form fitted.</summary>
public sealed record DrcItem(string Path, string Name, bool Shortened, int Tokens);

/// <summary>What DRC found for one task: the context (null when nothing), the reason when null, what was included and what was dropped for the budget.</summary>
public sealed record DrcResult(string? Context, string? Reason, IReadOnlyList<DrcItem> Included, int Dropped);

/// <summary>
/// Dependency-resolved context: the imports of the task's test file (the prefix's, if the file cannot be read) are
/// resolved to modules of the snapshot (<see cref="ModuleResolver"/>); every imported name the prefix uses — <c>f(</c>
/// for <c>from pkg.mod import f</c>, <c>m.g(</c> for <c>import pkg.mod as m</c>, <c>pkg.mod.g</c>, <c>Cls.method</c> — is
/// looked up as a module-level def/class (following package re-exports); the definitions are taken most-recently-used
/// first while they fit the token budget, in full, else as signature + docstring line, else not at all; each is written
/// as "# Source: path\n" + code followed by the separator.
/// </summary>
public sealed partial class DrcContext : IContextProvider
{
    private sealed class RepoModules(Dictionary<string, string> files, ModuleResolver resolver)
    {
        public Dictionary<string, string> Files { get; } = files;
        public ModuleResolver Resolver { get; } = resolver;
        public Dictionary<string, IReadOnlyList<PyDefinition>> Definitions { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, IReadOnlyList<PyImport>> Imports { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Reason: no import of the test file resolves to a file of the repository.</summary>
    public const string NoImportResolved = "no-import-resolved";

    /// <summary>Reason: imports resolve, but the prefix uses no definition found through them.</summary>
    public const string NoUsedDefinition = "no-used-definition";

    /// <summary>Reason: definitions were found but not even their short forms fit the budget.</summary>
    public const string OverBudget = "over-budget";

    private readonly RepoSnapshots snapshots;
    private readonly ITextTokenizer tokenizer;
    private readonly Dictionary<(string Repo, string Sha), (RepoModules? Modules, string? Reason)> repos = new();
    private readonly List<string> problems = new();
    private readonly Dictionary<string, int> tokenCounts = new(StringComparer.Ordinal);

    /// <summary>A provider over <paramref name="repos"/> (the benchmark's inputs); budgets count <paramref name="tokenizer"/>'s tokens (the base model's).</summary>
    public DrcContext(IEnumerable<RepoInput> repos, ITextTokenizer tokenizer, DrcConfig? config = null)
    {
        Config = (config ?? new DrcConfig()).Validate();
        snapshots = new RepoSnapshots(repos);
        this.tokenizer = tokenizer;
    }

    /// <summary>The settings in use.</summary>
    public DrcConfig Config { get; }

    /// <inheritdoc />
    public ContextCoverage Coverage { get; } = new();

    /// <summary>Python files read with the regex/line-scan fallback because they did not tokenize or outline.</summary>
    public int ParseFallbacks { get; private set; }

    /// <summary>Details of snapshots that could not be read.</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <inheritdoc />
    public string? ContextFor(QnaRow task)
    {
        DrcResult result;
        try { result = Build(task); }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // A baseline must not stop an evaluation: an unexpected failure on one task counts as a miss with its message kept.
            problems.Add($"{task.RepoId}@{task.CommitSha} {task.TestFile}: {e.GetType().Name}: {e.Message}");
            result = new DrcResult(null, "error", [], 0);
        }
        if (result.Context is null) Coverage.Missed(result.Reason!);
        else Coverage.Found();
        return result.Context;
    }

    /// <summary>Builds the context of <paramref name="task"/> with the details (does not touch <see cref="Coverage"/>).</summary>
    public DrcResult Build(QnaRow task)
    {
        var (modules, reason) = Modules(task.RepoId, task.CommitSha);
        if (modules is null) return new DrcResult(null, reason, [], 0);

        // Tasks of one test file share its imports: parse the file once per snapshot (the prefix only when the file is missing).
        IReadOnlyList<PyImport> imports;
        if (modules.Files.TryGetValue(task.TestFile, out var testSource))
        {
            if (!modules.Imports.TryGetValue(task.TestFile, out var cached))
            {
                modules.Imports[task.TestFile] = cached = PyImports.Parse(testSource, out var fallback);
                if (fallback) ParseFallbacks++;
            }
            imports = cached;
        }
        else
        {
            imports = PyImports.Parse(task.Prefix, out var fallback);
            if (fallback) ParseFallbacks++;
        }
        var from = task.TestFile;
        var resolvedAny = imports.Any(i => Target(modules, i, from) is not null);
        if (!resolvedAny) return new DrcResult(null, NoImportResolved, [], 0);

        var bindings = new Dictionary<string, PyImport>(StringComparer.Ordinal);
        foreach (var i in imports.Where(i => i.Alias != "*")) bindings[i.Alias] = i;   // a later import rebinds the name, as in Python
        var stars = imports.Where(i => i.Alias == "*").Select(i => modules.Resolver.Resolve(i.Module, i.Level, from)).OfType<string>().Distinct().ToList();

        var used = new Dictionary<(string Path, string Name), (PyDefinition Definition, int LastUse)>();
        foreach (var (chain, at) in Uses(task.Prefix))
        {
            if (ResolveChain(modules, chain, bindings, stars, from) is not { } hit) continue;
            var key = (hit.Path, hit.Definition.Name);
            used[key] = (hit.Definition, Math.Max(at, used.TryGetValue(key, out var old) ? old.LastUse : -1));
        }
        if (used.Count == 0) return new DrcResult(null, NoUsedDefinition, [], 0);

        var chosen = new List<(DrcItem Item, string Text)>();
        int budget = Config.MaxTokens, dropped = 0;
        foreach (var ((path, name), (definition, _)) in used.OrderByDescending(u => u.Value.LastUse).ThenBy(u => u.Key.Path, StringComparer.Ordinal))
        {
            var full = Render(path, definition.Source);
            var fullTokens = Tokens(full);
            if (fullTokens <= budget)
            {
                chosen.Add((new DrcItem(path, name, false, fullTokens), full));
                budget -= fullTokens;
                continue;
            }
            var shortText = Render(path, definition.Signature);
            var shortTokens = Tokens(shortText);
            if (shortTokens <= budget)
            {
                chosen.Add((new DrcItem(path, name, true, shortTokens), shortText));
                budget -= shortTokens;
            }
            else dropped++;
        }
        if (chosen.Count == 0) return new DrcResult(null, OverBudget, [], dropped);
        if (Config.MostRelevantLast) chosen.Reverse();
        return new DrcResult(string.Concat(chosen.Select(c => c.Text)), null, chosen.Select(c => c.Item).ToList(), dropped);
    }

    // The same definitions come back for many tasks of a repository; count each rendering's tokens once.
    private int Tokens(string text)
    {
        if (!tokenCounts.TryGetValue(text, out var n)) tokenCounts[text] = n = tokenizer.Encode(text).Length;
        return n;
    }

    private string Render(string path, string code) => $"# Source: {path}\n{code}{Config.Separator}";

    private (RepoModules?, string?) Modules(string repoId, string sha)
    {
        if (repos.TryGetValue((repoId, sha), out var known)) return known;
        var snapshot = snapshots.TryRead(repoId, sha, Config.Rules, p => p.EndsWith(".py", StringComparison.Ordinal), out var reason, out var detail);
        (RepoModules?, string?) result;
        if (snapshot is null)
        {
            if (detail is not null) problems.Add(detail);
            result = (null, reason);
        }
        else
        {
            var files = snapshot.Files.ToDictionary(f => f.Path, f => f.Text, StringComparer.Ordinal);
            result = (new RepoModules(files, new ModuleResolver(files.Keys.ToHashSet(StringComparer.Ordinal), Config.SourceRoots)), null);
        }
        repos[(repoId, sha)] = result;
        return result;
    }

    // The file an import refers to: for `from m import n`, the submodule m.n if it exists, else m.
    private static string? Target(RepoModules modules, PyImport i, string from)
    {
        if (i.Name is not null and not "*" && modules.Resolver.Resolve(Join(i.Module, i.Name), i.Level, from) is { } sub) return sub;
        return modules.Resolver.Resolve(i.FullModule ?? i.Module, i.Level, from);
    }

    private (string Path, PyDefinition Definition)? ResolveChain(RepoModules modules, IReadOnlyList<string> chain,
        Dictionary<string, PyImport> bindings, List<string> stars, string from)
    {
        if (!bindings.TryGetValue(chain[0], out var b))
        {
            foreach (var star in stars)
                if (Find(modules, star, chain[0], 0) is { } viaStar) return viaStar;
            return null;
        }
        string dotted;
        if (b.Name is null) dotted = b.Module;
        else if (modules.Resolver.Resolve(Join(b.Module, b.Name), b.Level, from) is not null) dotted = Join(b.Module, b.Name);
        else return modules.Resolver.Resolve(b.Module, b.Level, from) is { } file ? Find(modules, file, b.Name, 0) : null;

        // A namespace package (no __init__.py) has no file, so the walk may start without one.
        var path = modules.Resolver.Resolve(dotted, b.Level, from);
        for (int i = 1; i < chain.Count; i++)
        {
            var deeper = Join(dotted, chain[i]);
            if (modules.Resolver.Resolve(deeper, b.Level, from) is { } sub) { dotted = deeper; path = sub; continue; }
            return path is null ? null : Find(modules, path, chain[i], 0);
        }
        return null;   // the module itself is used (e.g. passed around), no definition named
    }

    // A module-level definition of `name` in `path`, following `from x import name` re-exports and star imports.
    private (string Path, PyDefinition Definition)? Find(RepoModules modules, string path, string name, int depth)
    {
        if (!modules.Files.TryGetValue(path, out var source)) return null;
        if (!modules.Definitions.TryGetValue(path, out var definitions))
        {
            modules.Definitions[path] = definitions = PyDefinitions.TopLevel(source, out var fallback);
            if (fallback) ParseFallbacks++;
        }
        // The last definition wins, as at import time.
        if (definitions.LastOrDefault(d => d.Name == name) is { } own) return (path, own);
        if (depth >= Config.MaxReexportDepth) return null;
        if (!modules.Imports.TryGetValue(path, out var imports))
            modules.Imports[path] = imports = PyImports.Parse(source, out _);
        foreach (var i in imports)
        {
            if (i.Name is null) continue;
            if (i.Alias != name && i.Alias != "*") continue;
            var target = modules.Resolver.Resolve(i.Module, i.Level, path);
            if (target is null || target == path) continue;
            if (Find(modules, target, i.Alias == "*" ? name : i.Name, depth + 1) is { } hit) return hit;
        }
        return null;
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "." + b;

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*")]
    private static partial Regex DottedChain();

    [GeneratedRegex(@"^[ \t]*(?:from[ \t]+\S+[ \t]+)?import[ \t]")]
    private static partial Regex ImportLine();

    /// <summary>
    /// Dotted name chains of the prefix with their offsets, import statements blanked out first (their names are not uses);
    /// a parenthesised or backslash-continued import is blanked to its end.
    /// </summary>
    public static IEnumerable<(IReadOnlyList<string> Chain, int At)> Uses(string prefix)
    {
        var text = new StringBuilder(prefix);
        int lineStart = 0;
        bool inImport = false;
        int depth = 0;
        while (lineStart < prefix.Length)
        {
            int lineEnd = prefix.IndexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = prefix.Length;
            var line = prefix.AsSpan(lineStart, lineEnd - lineStart);
            if (!inImport && ImportLine().IsMatch(line)) { inImport = true; depth = 0; }
            if (inImport)
            {
                foreach (var c in line) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                for (int i = lineStart; i < lineEnd; i++) text[i] = ' ';
                inImport = depth > 0 || line.TrimEnd().EndsWith("\\");
            }
            lineStart = lineEnd + 1;
        }
        foreach (Match m in DottedChain().Matches(text.ToString()))
            yield return (m.Value.Split('.').Select(p => p.Trim()).ToList(), m.Index);
    }
}
