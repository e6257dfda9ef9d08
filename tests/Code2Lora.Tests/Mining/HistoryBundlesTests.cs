using System.Text;
using Code2Lora.Bench;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

/// <summary>Shipped histories: the manifest reader, checksum verification, the bundle → cache clone and its repository id.</summary>
public class HistoryBundlesTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Header = string.Join('\t', HistoryManifest.Columns);

    /// <summary>A two-commit repository on a side branch "dev" (as marshmallow's default), bundled like make-bundles.sh does.</summary>
    private static (string BundleDir, string Manifest, string Head) MakeBundle(TempDirectory tmp)
    {
        var dir = tmp.Sub("src");
        GitCli.Run(dir, T0, "init", "-q", "-b", "dev");
        TempDirectory.Write(dir, "tests/test_a.py", Encoding.UTF8.GetBytes("def test_a():\n    assert 1 == 1\n"));
        GitCli.Commit(dir, T0, "first");
        TempDirectory.Write(dir, "tests/test_a.py", Encoding.UTF8.GetBytes("def test_a():\n    assert 1 + 1 == 2\n"));
        var head = GitCli.Commit(dir, T0.AddDays(1), "second");
        GitCli.Run(dir, T0, "branch", "other"); // not the default branch: must not be in the bundle
        var bundles = tmp.Sub("bundles");
        var bundle = Path.Combine(bundles, "acme__widget.bundle");
        GitCli.Run(dir, null, "bundle", "create", "-q", bundle, "HEAD", "refs/heads/dev");
        var manifest = Path.Combine(tmp.Path, "manifest.tsv");
        File.WriteAllText(manifest, Header + "\n" + Row(head, bundle) + "\n");
        return (bundles, manifest, head);
    }

    private static string Row(string head, string bundle, string repo = "acme/widget") => string.Join('\t',
        repo, $"https://github.com/{repo}", "LICENSE", "MIT", "dev", head, "2024-05-02T12:00:00+00:00", "2026-12-03", "2",
        Path.GetFileName(bundle), new FileInfo(bundle).Length.ToString(), HistoryBundles.Sha256(bundle));

    [Fact]
    public void A_verified_bundle_is_cloned_once_and_named_owner_slash_name()
    {
        using var tmp = new TempDirectory();
        var (bundles, manifest, head) = MakeBundle(tmp);
        var cache = Path.Combine(tmp.Path, "cache");

        var first = HistoryBundles.Prepare(manifest, bundles, cache, (id, why) => Assert.Fail($"{id}: {why}"));
        var clone = Assert.Single(first);
        Assert.True(clone.ClonedNow);
        Assert.Equal(Path.Combine(cache, "acme__widget"), clone.Path);

        using (var source = RepoSource.Open(clone.Path))
        {
            Assert.Equal("acme/widget", source.RepoId);
            Assert.Equal(head, source.Head.Sha);
            Assert.Equal(2, source.FirstParentHistory().Count);
        }
        var refs = GitCli.Run(clone.Path, null, "for-each-ref", "--format=%(refname)").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["refs/heads/dev"], refs);

        var second = Assert.Single(HistoryBundles.Prepare(manifest, bundles, cache));
        Assert.False(second.ClonedNow);
        // The tiny world's way in: owner/name, with the URL and HEAD as provenance, in both tracks.
        var input = Assert.Single(BenchInputs.FromHistories(manifest, bundles, cache));
        Assert.Equal(("acme/widget", $"history:https://github.com/acme/widget@{head}", true, true), (input.RepoId, input.Provenance, input.Static, input.Evolution));
    }

    [Fact]
    public void A_corrupt_bundle_is_named_with_both_checksums_and_the_others_still_clone()
    {
        using var tmp = new TempDirectory();
        var (bundles, manifest, head) = MakeBundle(tmp);
        var good = Path.Combine(bundles, "acme__widget.bundle");
        var bad = Path.Combine(bundles, "acme__broken.bundle");
        File.Copy(good, bad);
        File.AppendAllLines(manifest, [Row(head, bad, "acme/broken")]);
        var expected = HistoryBundles.Sha256(bad);
        var bytes = File.ReadAllBytes(bad);
        bytes[^30] ^= 0xFF;
        File.WriteAllBytes(bad, bytes);

        var errors = new List<(string Id, string Why)>();
        var clones = HistoryBundles.Prepare(manifest, bundles, Path.Combine(tmp.Path, "cache"), (id, why) => errors.Add((id, why)));

        Assert.Equal(["acme/widget"], clones.Select(c => c.Entry.RepoId));
        var (id, why) = Assert.Single(errors);
        Assert.Equal("acme/broken", id);
        Assert.Contains(bad, why);
        Assert.Contains(expected, why);
        Assert.Contains(HistoryBundles.Sha256(bad), why);
        Assert.False(Directory.Exists(Path.Combine(tmp.Path, "cache", "acme__broken")));
    }

    [Fact]
    public void A_missing_bundle_is_named_unless_its_clone_is_already_at_the_manifest_head()
    {
        using var tmp = new TempDirectory();
        var (bundles, manifest, _) = MakeBundle(tmp);
        var cache = Path.Combine(tmp.Path, "cache");
        var entry = Assert.Single(HistoryManifest.Read(manifest));
        HistoryBundles.Prepare(entry, bundles, cache);
        File.Delete(Path.Combine(bundles, entry.Bundle));

        Assert.False(HistoryBundles.Prepare(entry, bundles, cache).ClonedNow);
        var e = Assert.Throws<MiningException>(() => HistoryBundles.Prepare(entry, bundles, Path.Combine(tmp.Path, "other-cache")));
        Assert.Contains("acme__widget.bundle", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void A_bundle_whose_head_is_not_the_manifests_is_refused_and_leaves_no_clone()
    {
        using var tmp = new TempDirectory();
        var (bundles, manifest, head) = MakeBundle(tmp);
        var wrongHead = new string('a', 40);
        File.WriteAllText(manifest, Header + "\n" + Row(head, Path.Combine(bundles, "acme__widget.bundle")).Replace(head, wrongHead) + "\n");
        var entry = Assert.Single(HistoryManifest.Read(manifest));
        var cache = Path.Combine(tmp.Path, "cache");

        var e = Assert.Throws<MiningException>(() => HistoryBundles.Prepare(entry, bundles, cache));
        Assert.Contains(head, e.Message);
        Assert.Contains(wrongHead, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache));
    }

    [Theory]
    [InlineData("repo\turl", "1", "header")]
    [InlineData(null, "2", "head_sha 'abc'")]
    [InlineData(null, "2", "'not-a-repo' is not owner/name")]
    public void Malformed_manifests_name_the_line_and_column(string? header, string line, string message)
    {
        using var tmp = new TempDirectory();
        var path = Path.Combine(tmp.Path, "manifest.tsv");
        var row = string.Join('\t', "acme/widget", "https://github.com/acme/widget", "LICENSE", "MIT", "main", new string('b', 40),
            "2024-05-02T12:00:00+00:00", "2026-12-03", "2", "acme__widget.bundle", "10", new string('c', 64));
        if (message.Contains("head_sha")) row = row.Replace(new string('b', 40), "abc");
        if (message.Contains("owner/name")) row = row.Replace("acme/widget\t", "not-a-repo\t");
        File.WriteAllText(path, (header ?? Header) + "\n" + row + "\n");
        var e = Assert.Throws<MiningException>(() => HistoryManifest.Read(path));
        Assert.Contains($"{path}:{line}", e.Message);
        Assert.Contains(message, e.Message);
    }
}
