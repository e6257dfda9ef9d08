using System.Security.Cryptography;
using System.Text;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

/// <summary>Real histories named by one path: folders of repositories and bundles, and manifests with checksums.</summary>
public class HistorySetTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Repo(TempDirectory tmp, string name)
    {
        var dir = tmp.Sub(name);
        GitCli.Run(dir, T0, "init", "-q");
        TempDirectory.Write(dir, "tests/test_x.py", Encoding.UTF8.GetBytes("def test_x():\n    assert 1 == 1\n"));
        GitCli.Commit(dir, T0, "one");
        TempDirectory.Write(dir, "tests/test_x.py", Encoding.UTF8.GetBytes("def test_x():\n    assert 1 == 2\n"));
        GitCli.Commit(dir, T0.AddHours(1), "two");
        return dir;
    }

    [Fact]
    public void A_folder_of_bundles_and_repositories_and_a_checked_manifest_resolve_to_owner_name_ids()
    {
        using var tmp = new TempDirectory();
        var source = Repo(tmp, "source");
        var shipped = tmp.Sub("histories");
        var bundle = Path.Combine(shipped, "acme__widgets.bundle");
        GitCli.Run(source, null, "bundle", "create", "-q", bundle, "HEAD", "main");
        Directory.Move(Repo(tmp, "plain"), Path.Combine(shipped, "other+tool"));

        var found = HistorySet.Resolve(shipped, tmp.Sub("cache"));
        Assert.Equal(["acme/widgets", "other/tool"], found.Select(h => h.RepoId));
        using (var clone = RepoSource.Open(found[0].Path))
            Assert.Equal(2, clone.FirstParentHistory().Count);
        Assert.StartsWith("bundle:acme__widgets.bundle@sha256=", found[0].Provenance);

        // A manifest in data/histories' format resolves through the same checks as `c2l histories prepare`.
        string Manifest(string sha256) => string.Join('\t', HistoryManifest.Columns) + "\n" + string.Join('\t', "acme/widgets", "https://github.com/acme/widgets",
            "LICENSE", "MIT", "main", GitCli.Run(source, null, "rev-parse", "HEAD").Trim(), "2024-05-02T12:00:00+00:00", "2026-12-03", "2",
            "acme__widgets.bundle", new FileInfo(bundle).Length.ToString(), sha256) + "\n";
        var manifest = Path.Combine(shipped, "manifest.tsv");
        File.WriteAllText(manifest, Manifest(HistoryBundles.Sha256(bundle)));
        var listed = Assert.Single(HistorySet.Resolve(manifest, tmp.Sub("cache2")));
        Assert.Equal("acme/widgets", listed.RepoId);
        Assert.StartsWith("history:https://github.com/acme/widgets@", listed.Provenance);

        File.WriteAllText(manifest, Manifest(new string('0', 64)));
        var corrupt = Assert.Throws<MiningException>(() => HistorySet.Resolve(manifest, tmp.Sub("cache3")));
        Assert.Contains("acme__widgets.bundle", corrupt.Message);
        Assert.Contains(new string('0', 64), corrupt.Message);
    }
}
