using Code2Lora.Config;
using Code2Lora.Corpora;
using LibGit2Sharp;

namespace Code2Lora.Tests.Corpora;

/// <summary>Debian packages become reproducible snapshot repositories that record their provenance.</summary>
public class DebianCorpusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("c2l-corpus-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SnapshotShaDependsOnlyOnFilesAndProvenanceAndIsReused()
    {
        var src = Path.Combine(_dir, "src");
        Directory.CreateDirectory(Path.Combine(src, "pkg"));
        File.WriteAllText(Path.Combine(src, "pkg", "a.py"), "X = 1\n");
        File.WriteAllBytes(Path.Combine(src, "pkg", "blob.bin"), [0, 1, 2, 255]); // copied byte for byte, classified later
        var files = new[] { (Path.Combine(src, "pkg", "a.py"), "pkg/a.py"), (Path.Combine(src, "pkg", "blob.bin"), "pkg/blob.bin") };

        var sha1 = SnapshotRepository.Create(Path.Combine(_dir, "r1"), files, "debian:python3-x=1.0");
        var sha2 = SnapshotRepository.Create(Path.Combine(_dir, "r2"), files.Reverse(), "debian:python3-x=1.0");
        Assert.Equal(sha1, sha2);
        Assert.NotEqual(sha1, SnapshotRepository.Create(Path.Combine(_dir, "r3"), files, "debian:python3-x=1.1"));

        File.WriteAllText(Path.Combine(_dir, "r1", "marker"), "untouched");
        Assert.Equal(sha1, SnapshotRepository.Create(Path.Combine(_dir, "r1"), files, "debian:python3-x=1.0"));
        Assert.True(File.Exists(Path.Combine(_dir, "r1", "marker"))); // reused, not rebuilt

        using var repo = new Repository(Path.Combine(_dir, "r1"));
        Assert.Equal("debian:python3-x=1.0", repo.Head.Tip.Message.TrimEnd());
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, File.ReadAllBytes(Path.Combine(_dir, "r1", "pkg", "blob.bin")));
    }

    [Fact]
    public void MissingPackageIsReportedNotFatal()
    {
        var errors = new List<string>();
        var repos = DebianCorpus.Materialise(["python3-no-such-package-c2l"], _dir, (n, why) => errors.Add($"{n}: {why}"));
        Assert.Empty(repos);
        var e = Assert.Single(errors);
        Assert.Contains("python3-no-such-package-c2l", e);
        Assert.Contains("not installed", e);
    }

    [Fact]
    public void ListedPackagesThatAreInstalledMaterialiseWithProvenance()
    {
        var list = Path.Combine(RepoPaths.Data, "corpora", "static-packages.txt");
        var installed = PackageList.Read(list).FirstOrDefault(p => { try { DebianPackage.Query(p); return true; } catch (InvalidOperationException) { return false; } });
        Assert.True(installed is not null || !OperatingSystem.IsLinux() || !File.Exists("/usr/bin/dpkg-query"),
            "no package of data/corpora/static-packages.txt is installed: run scripts/install.sh");
        if (installed is null) return;
        var repos = DebianCorpus.Materialise([installed], _dir);
        var r = Assert.Single(repos);
        Assert.StartsWith($"debian:{installed}=", r.Provenance);
        Assert.Contains(Directory.EnumerateFiles(r.Path, "*.py", SearchOption.AllDirectories), _ => true);
    }

    [Fact]
    public void PackageListsIgnoreCommentsAndAreDisjoint()
    {
        var a = PackageList.Read(Path.Combine(RepoPaths.Data, "corpora", "static-packages.txt"));
        var b = PackageList.Read(Path.Combine(RepoPaths.Data, "corpora", "pretrain-packages.txt"));
        Assert.True(a.Count >= 40, $"static list has {a.Count} packages; the benchmark asks for at least 40");
        Assert.All(a.Concat(b), p => Assert.Matches("^[a-z0-9][a-z0-9.+-]+$", p));
        Assert.Empty(a.Intersect(b));
    }
}
