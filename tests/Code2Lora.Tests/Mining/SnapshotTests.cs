using System.Diagnostics;
using System.Text;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class SnapshotTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Good files and the exact text each must read back as.</summary>
    private static readonly (string Path, byte[] Bytes, string Text)[] GoodFiles =
    [
        ("good.py", U("def f():\n    return 'ok'\n"), "def f():\n    return 'ok'\n"),
        ("pkg/café_日本.py", U("x = 'héllo ✓ 🐍'\n"), "x = 'héllo ✓ 🐍'\n"),
        ("bom.py", [0xEF, 0xBB, 0xBF, .. U("x = 1\n")], "x = 1\n"),
        ("crlf.py", U("a = 1\r\nb = 2\r\n"), "a = 1\r\nb = 2\r\n"),
        ("no_newline.py", U("z = 3"), "z = 3"),
        ("exactly_2mb.md", U(new string('a', 2 * 1024 * 1024)), new string('a', 2 * 1024 * 1024)),
    ];

    /// <summary>Bad files (outside skipped directories) and the reason each must be skipped for.</summary>
    private static readonly (string Path, byte[] Bytes, SkipReason Reason)[] BadFiles =
    [
        ("data/blob.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02], SkipReason.Binary),
        ("latin1.py", [.. U("x = 'caf"), 0xE9, .. U("'\n")], SkipReason.InvalidUtf8),
        ("big.py", U(string.Concat(Enumerable.Repeat("# padding line of text\n", 3 * 1024 * 1024 / 23 + 1))), SkipReason.TooLarge),
        ("empty.py", [], SkipReason.Empty),
        ("bom_only.py", [0xEF, 0xBB, 0xBF], SkipReason.Empty),
    ];

    private static readonly (string Path, byte[] Bytes)[] InSkippedDirectories =
    [
        ("node_modules/left-pad/index.js", U("module.exports = 1;\n")),
        (".tox/py311/lib/x.py", U("x = 1\n")),
        ("pkg/__pycache__/mod.cpython-311.pyc", [0x0D, 0x0D, 0x0A, 0x00]),
        ("venv/lib/site.py", U("import os\n")),
    ];

    private static void AssertClassified(Snapshot snapshot, int expectedTotal, params (string Path, SkipReason Reason)[] extra)
    {
        foreach (var (path, _, text) in GoodFiles)
            Assert.Equal(text, Assert.Single(snapshot.Files, f => f.Path == path).Text);
        foreach (var (path, _, reason) in BadFiles)
            Assert.Equal(reason, Assert.Single(snapshot.Skipped, s => s.Path == path).Reason);
        foreach (var (path, _) in InSkippedDirectories)
            Assert.Equal(SkipReason.SkippedDirectory, Assert.Single(snapshot.Skipped, s => s.Path == path).Reason);
        foreach (var (path, reason) in extra)
            Assert.Equal(reason, Assert.Single(snapshot.Skipped, s => s.Path == path).Reason);
        Assert.Equal(GoodFiles.Length, snapshot.Files.Count);
        Assert.Equal(expectedTotal, snapshot.Files.Count + snapshot.Skipped.Count);
        Assert.All(snapshot.Files, f => Assert.DoesNotContain('\uFFFD', f.Text));
    }

    [Fact]
    public void GitSnapshotClassifiesEveryHostileFile()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("hostile");
        var import = new FastImport();
        foreach (var (path, bytes, _) in GoodFiles) import.File(path, bytes);
        foreach (var (path, bytes, _) in BadFiles) import.File(path, bytes);
        foreach (var (path, bytes) in InSkippedDirectories) import.File(path, bytes);
        import.Symlink("link.py", "good.py");
        import.GitLink("vendor/lib", "0123456789abcdef0123456789abcdef01234567");
        import.File([.. U("caf"), 0xE9, .. U(".py")], U("x = 1\n")); // a latin-1 file name
        import.ImportInto(dir);

        using var source = RepoSource.Open(dir);
        var snapshot = source.ReadSnapshot();
        var total = GoodFiles.Length + BadFiles.Length + InSkippedDirectories.Length + 3;
        AssertClassified(snapshot, total, ("link.py", SkipReason.Symlink), ("vendor/lib", SkipReason.Submodule));
        Assert.Single(snapshot.Skipped, s => s.Reason == SkipReason.InvalidPathEncoding);
        Assert.Equal(source.Head.Sha, snapshot.CommitSha);

        // The include filter leaves excluded files out of both lists.
        var pyOnly = source.ReadSnapshot(include: p => p.EndsWith(".py", StringComparison.Ordinal));
        Assert.All(pyOnly.Files.Select(f => f.Path).Concat(pyOnly.Skipped.Select(s => s.Path)), p => Assert.EndsWith(".py", p));
        Assert.DoesNotContain(pyOnly.Skipped, s => s.Path == "vendor/lib");

        // ReadText classifies one file the same way.
        Assert.Null(source.ReadText(source.Head.Sha, "latin1.py", out var skipped));
        Assert.Equal(SkipReason.InvalidUtf8, skipped!.Reason);
        Assert.Equal("x = 1\n", source.ReadText(source.Head.Sha, "bom.py", out skipped));
        Assert.Null(skipped);
    }

    [Fact]
    public void PlainDirectorySnapshotClassifiesEveryHostileFileAndNeverFollowsLinks()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("plain");
        foreach (var (path, bytes, _) in GoodFiles) TempDirectory.Write(dir, path, bytes);
        foreach (var (path, bytes, _) in BadFiles) TempDirectory.Write(dir, path, bytes);
        foreach (var (path, bytes) in InSkippedDirectories) TempDirectory.Write(dir, path, bytes);
        File.CreateSymbolicLink(Path.Combine(dir, "link.py"), "good.py");
        var outside = tmp.Sub("outside");
        TempDirectory.Write(outside, "secret.py", U("SECRET = 1\n"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "linked_dir"), outside);
        var extra = new List<(string, SkipReason)> { ("link.py", SkipReason.Symlink), ("linked_dir", SkipReason.Symlink) };
        if (CreateLatin1FileName(dir)) extra.Add(("caf\uFFFD.py", SkipReason.InvalidPathEncoding));

        using var source = RepoSource.Open(dir);
        Assert.True(source.IsPlainDirectory);
        var snapshot = source.ReadSnapshot();
        AssertClassified(snapshot, GoodFiles.Length + BadFiles.Length + InSkippedDirectories.Length + extra.Count, [.. extra]);
        Assert.DoesNotContain(snapshot.Files, f => f.Path.Contains("secret"));

        // One synthetic commit whose id is a content hash: same files, same id; a changed byte, a new id.
        Assert.Single(source.FirstParentHistory());
        Assert.Equal(40, source.Head.Sha.Length);
        using (var again = RepoSource.Open(dir)) Assert.Equal(source.Head.Sha, again.Head.Sha);
        TempDirectory.Write(dir, "good.py", U("def f():\n    return 'changed'\n"));
        using (var changed = RepoSource.Open(dir)) Assert.NotEqual(source.Head.Sha, changed.Head.Sha);
        // __pycache__ content is rewritten by Python at will, so it must not move the id.
        TempDirectory.Write(dir, "pkg/__pycache__/other.pyc", [1, 2, 3]);
        using (var a = RepoSource.Open(dir))
        {
            TempDirectory.Write(dir, "pkg/__pycache__/other.pyc", [4, 5, 6]);
            using var b = RepoSource.Open(dir);
            Assert.Equal(a.Head.Sha, b.Head.Sha);
        }
        Assert.Throws<MiningException>(() => source.ProductionDiff(null, source.Head.Sha, new MiningRules()));
        Assert.Throws<MiningException>(() => source.ReadSnapshot("0000000000000000000000000000000000000000"));
    }

    /// <summary>.NET cannot name a file with non-UTF-8 bytes, so Python creates one; false if Python is not there.</summary>
    private static bool CreateLatin1FileName(string dir)
    {
        try
        {
            var psi = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import os,sys; open(os.path.join(os.fsencode(sys.argv[1]), b'caf\\xe9.py'), 'wb').write(b'x = 1\\n')");
            psi.ArgumentList.Add(dir);
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
