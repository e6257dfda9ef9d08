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

        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(bundle)));
        var manifest = Path.Combine(shipped, "manifest.tsv");
        File.WriteAllText(manifest, $"repo\turl\tbundle_sha256\nacme/widgets\thttps://example.org/acme/widgets\t{sha}\n");
        Assert.Equal("acme/widgets", Assert.Single(HistorySet.Resolve(manifest, tmp.Sub("cache2"))).RepoId);

        File.WriteAllText(manifest, $"repo\tbundle_sha256\nacme/widgets\t{new string('0', 64)}\n");
        var corrupt = Assert.Throws<MiningException>(() => HistorySet.Resolve(manifest, tmp.Sub("cache3")));
        Assert.Contains("acme__widgets.bundle", corrupt.Message);
        Assert.Contains("corrupt", corrupt.Message);

        File.WriteAllText(manifest, "repo\tbundle_sha256\nmissing/one\t\n");
        Assert.Contains("missing__one.bundle", Assert.Throws<MiningException>(() => HistorySet.Resolve(manifest, tmp.Sub("cache4"))).Message);
    }
}
