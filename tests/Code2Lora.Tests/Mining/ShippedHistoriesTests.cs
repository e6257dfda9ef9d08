using Code2Lora.Config;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

/// <summary>The committed data/histories/manifest.tsv: complete, permissive, and disjoint from the Debian corpora.</summary>
public class ShippedHistoriesTests
{
    private static readonly HashSet<string> Permissive = ["MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "ISC", "Unlicense", "Apache-2.0 OR MIT"];

    private static IReadOnlyList<HistoryEntry> Manifest() => HistoryManifest.Read(RepoPaths.HistoryManifest);

    [Fact]
    public void The_manifest_lists_the_twenty_repositories_of_repos_txt_with_permissive_licences()
    {
        var listed = File.ReadLines(Path.Combine(RepoPaths.Data, "histories", "repos.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var entries = Manifest();
        Assert.Equal(20, entries.Count);
        Assert.Equal(listed, entries.Select(e => e.RepoId));
        foreach (var e in entries)
        {
            Assert.True(Permissive.Contains(e.Spdx), $"{e.RepoId}: licence {e.Spdx} ({e.LicenceFiles}) is not on the permissive list");
            Assert.Equal($"https://github.com/{e.RepoId}", e.Url);
            Assert.Equal(e.FolderName + ".bundle", e.Bundle);
            Assert.True(e.HeadDate <= e.Taken.ToDateTime(TimeOnly.MaxValue), $"{e.RepoId}: HEAD dated after the day it was taken");
        }
    }

    /// <summary>Debian names a project python3-X; X is the project name without "python-", "py" or ".py" and, for cattrs, without the plural s.</summary>
    private static IEnumerable<string> DebianNames(string repoId)
    {
        var name = repoId.Split('/')[1].ToLowerInvariant();
        string[] forms = [name, name.Replace("python-", ""), name.Replace(".py", ""), name.StartsWith("py") ? name[2..] : name, name.TrimEnd('s')];
        return forms.Distinct().Select(f => "python3-" + f);
    }

    [Fact]
    public void No_shipped_history_is_in_the_pretraining_or_static_package_lists()
    {
        var packages = new[] { "pretrain-packages.txt", "static-packages.txt" }
            .SelectMany(f => File.ReadLines(Path.Combine(RepoPaths.Data, "corpora", f)).Select(l => (List: f, Name: l.Split('#')[0].Trim())))
            .Where(p => p.Name.Length > 0).ToList();
        Assert.True(packages.Count > 100, $"only {packages.Count} packages read");
        var overlaps = Manifest().SelectMany(e => DebianNames(e.RepoId).SelectMany(n => packages.Where(p => p.Name == n).Select(p => $"{e.RepoId} = {p.Name} ({p.List})"))).ToList();
        Assert.Empty(overlaps);
        // The check itself finds a project that is in a list: attrs is python3-attr in the pretraining list.
        Assert.Contains(packages, p => DebianNames("python-attrs/attrs").Contains(p.Name));
    }

    [Fact]
    public void Bundles_present_on_this_machine_match_the_manifest()
    {
        var present = Manifest().Where(e => File.Exists(Path.Combine(RepoPaths.HistoryBundles, e.Bundle))).ToList();
        if (present.Count == 0) return; // the bundles are not in git; data/histories/README.md says where they come from
        foreach (var e in present) HistoryBundles.Verify(e, Path.Combine(RepoPaths.HistoryBundles, e.Bundle));
    }
}
