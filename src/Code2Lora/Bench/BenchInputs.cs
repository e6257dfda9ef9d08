using Code2Lora.Config;
using Code2Lora.Corpora;
using Code2Lora.Forge;

namespace Code2Lora.Bench;

/// <summary>Gathers the repositories a preset builds from: Debian snapshots (static), forge histories (evolution), and any given paths.</summary>
public static class BenchInputs
{
    /// <summary>
    /// Materialises the preset's sources under <paramref name="workDir"/> and returns them as inputs. Extra paths (git
    /// repositories or plain directories) join both tracks. Problems with single packages go to <paramref name="onError"/>.
    /// </summary>
    public static IReadOnlyList<RepoInput> Prepare(Preset preset, string workDir, IEnumerable<string>? extraRepos = null,
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
        if (preset.Forge is { } forge)
        {
            var forged = RepoForge.Generate(Path.Combine(workDir, "forge"), forge,
                new Progress<(int done, int total)>(p => progress?.Report(new BenchProgress("forge", p.done, p.total, null))));
            inputs.AddRange(forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, $"forge:seed={forge.Seed}", Static: false, Evolution: true)));
        }
        foreach (var path in extraRepos ?? [])
        {
            var full = Path.GetFullPath(path);
            inputs.Add(new RepoInput(Path.GetFileName(full.TrimEnd('/')), full, "local:" + full));
        }
        return inputs;
    }
}
