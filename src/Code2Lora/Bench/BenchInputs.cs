using Code2Lora.Config;
using Code2Lora.Corpora;
using Code2Lora.Forge;
using Code2Lora.Mining;

namespace Code2Lora.Bench;

/// <summary>Gathers the repositories a preset builds from: Debian snapshots (static), shipped real histories (both tracks),
/// forge histories (evolution), and any given paths.</summary>
public static class BenchInputs
{
    /// <summary>
    /// Materialises the preset's sources under <paramref name="workDir"/> and returns them as inputs. Extra paths (git
    /// repositories or plain directories) join both tracks. Problems with single packages go to <paramref name="onError"/>.
    /// </summary>
    public static IReadOnlyList<RepoInput> Prepare(Preset preset, string workDir, IEnumerable<RepoInput>? extraRepos = null,
        Action<string, string>? onError = null, IProgress<BenchProgress>? progress = null)
    {
        var inputs = new List<RepoInput>();
        if (preset.StaticPackages is { } list)
        {
            var packages = PackageList.Read(Path.Combine(RepoPaths.Data, list));
            if (preset.MaxPackages > 0) packages = packages.Take(preset.MaxPackages).ToList();
            var repos = DebianCorpus.Materialise(packages, Path.Combine(workDir, "debian"), onError,
                new Progress<(int done, int total, string name)>(p => progress?.Report(new BenchProgress("debian snapshots", p.done, p.total, p.name))));
            inputs.AddRange(repos.Select(r => new RepoInput(r.RepoId, r.Path, r.Provenance, Static: true, Evolution: false)));
        }
        if (preset.Histories is { } manifest)
            inputs.AddRange(FromHistories(Path.Combine(RepoPaths.Data, manifest), RepoPaths.HistoryBundles, RepoPaths.HistoryCache, onError, progress));
        if (preset.Forge is { } forge)
        {
            // One folder per forge config: presets (smoke, tiny, a user's override) never fight over the same repositories.
            var forgeDir = Path.Combine(workDir, "forge", Normalise.Id(forge.Fingerprint()));
            var forged = RepoForge.Generate(forgeDir, forge,
                new Progress<(int done, int total)>(p => progress?.Report(new BenchProgress("forge", p.done, p.total, null))));
            inputs.AddRange(forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, $"forge:seed={forge.Seed}", Static: false, Evolution: true)));
        }
        inputs.AddRange(extraRepos ?? []);
        return inputs;
    }

    /// <summary>
    /// A local repository, named owner/name when its origin remote is a URL and after its folder otherwise: a git repository
    /// joins both tracks, a plain directory (no history) the static one.
    /// </summary>
    public static RepoInput FromPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"{path}: no such repository folder; pass a git work tree or a plain directory of code.");
        bool git = LibGit2Sharp.Repository.IsValid(full);
        return new RepoInput(RepoSource.DefaultRepoId(full), full, "local:" + full, Static: true, Evolution: git);
    }

    /// <summary>
    /// The shipped real histories (<c>data/histories/manifest.tsv</c>): each bundle is verified and cloned into
    /// <paramref name="cacheDir"/> once, then joins both tracks as owner/name with its URL and HEAD as provenance. Missing or
    /// corrupt bundles go to <paramref name="onError"/>, naming the file and the checksums.
    /// </summary>
    public static IReadOnlyList<RepoInput> FromHistories(string manifestPath, string bundleDir, string cacheDir,
        Action<string, string>? onError = null, IProgress<BenchProgress>? progress = null)
    {
        var clones = HistoryBundles.Prepare(manifestPath, bundleDir, cacheDir, onError,
            new Runtime.SyncProgress<(int Done, int Total, string Name)>(p => progress?.Report(new BenchProgress("histories", p.Done, p.Total, p.Name))));
        return clones.Select(c => new RepoInput(c.Entry.RepoId, c.Path, $"history:{c.Entry.Url}@{c.Entry.HeadSha}")).ToList();
    }

    /// <summary>
    /// Clones (or updates) every repository of a list file into <paramref name="cacheDir"/>; the ones that cannot be
    /// cloned go to <paramref name="onError"/>. Each clone joins both tracks with its URL as provenance.
    /// </summary>
    public static IReadOnlyList<RepoInput> FromList(string listFile, string cacheDir, Action<string, string>? onError = null,
        IProgress<BenchProgress>? progress = null)
    {
        var entries = RepoList.Parse(listFile);
        var inputs = new List<RepoInput>();
        for (int i = 0; i < entries.Count; i++)
        {
            progress?.Report(new BenchProgress("clone", i, entries.Count, entries[i].RepoId));
            try { inputs.Add(new RepoInput(entries[i].RepoId, RepoCloner.CloneOrUpdate(entries[i], cacheDir), entries[i].Url)); }
            catch (MiningException e) { onError?.Invoke(entries[i].RepoId, e.Message); }
        }
        progress?.Report(new BenchProgress("clone", entries.Count, entries.Count, null));
        return inputs;
    }

    /// <summary>
    /// The inputs a built benchmark records in its <c>manifest.json</c> whose repository is still on disk (its <c>path</c>, or the
    /// folder of a <c>local:</c> provenance in manifests written before paths were recorded), and the repo ids of the others.
    /// </summary>
    public static (IReadOnlyList<RepoInput> Found, IReadOnlyList<string> Missing) FromManifest(string benchDir)
    {
        var file = Path.Combine(benchDir, "manifest.json");
        if (!File.Exists(file)) throw new FileNotFoundException($"{benchDir} holds no manifest.json; build the benchmark first (c2l bench build).", file);
        System.Text.Json.Nodes.JsonNode? root;
        try { root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file)); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{file} is not valid JSON ({e.Message}); rebuild the benchmark.", e); }
        var found = new List<RepoInput>();
        var missing = new List<string>();
        foreach (var node in root?["inputs"]?.AsArray() ?? [])
        {
            var id = node?["repo_id"]?.GetValue<string>();
            if (id is null) continue;
            var provenance = node!["provenance"]?.GetValue<string>() ?? "";
            var path = node["path"]?.GetValue<string>() ?? (provenance.StartsWith("local:", StringComparison.Ordinal) ? provenance["local:".Length..] : null);
            if (path is not null && (Directory.Exists(path) || File.Exists(path)))
                found.Add(new RepoInput(id, path, provenance, node["static"]?.GetValue<bool>() ?? true, node["evolution"]?.GetValue<bool>() ?? true));
            else missing.Add(id);
        }
        return (found, missing);
    }
}
