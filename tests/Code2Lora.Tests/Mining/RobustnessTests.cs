using System.Text;
using Code2Lora.Mining;
using LibGit2Sharp;

namespace Code2Lora.Tests.Mining;

/// <summary>Over a thousand random files across odd repositories: nothing crashes and no file goes missing.</summary>
public class RobustnessTests
{
    private static readonly string[] NameParts = ["a", "b", "X", "Z", "0", "9", "_", "-", ".", " ", "é", "ü", "ß", "日", "本", "🐍"];

    private static string RandomName(Random r)
    {
        var name = "f" + string.Concat(Enumerable.Range(0, r.Next(1, 12)).Select(_ => NameParts[r.Next(NameParts.Length)]));
        return name.TrimEnd('.', ' ') + (r.Next(2) == 0 ? ".py" : ".txt");
    }

    private static byte[] RandomContent(Random r)
    {
        switch (r.Next(6))
        {
            case 0: return [];
            case 1: // random bytes: mostly binary or invalid UTF-8
                var bytes = new byte[r.Next(1, 4000)];
                r.NextBytes(bytes);
                return bytes;
            case 2: // high bytes without NUL: almost always invalid UTF-8
                return Enumerable.Range(0, r.Next(1, 200)).Select(_ => (byte)r.Next(0x80, 0x100)).ToArray();
            default: // valid Python
                var sb = new StringBuilder(r.Next(2) == 0 ? "\uFEFF" : "");
                for (var i = 0; i < r.Next(1, 20); i++)
                    sb.Append($"def fn_{i}(x{(r.Next(2) == 0 ? ", y='é✓'" : "")}):\n    return x * {r.Next(1000)}\n\n");
                return Encoding.UTF8.GetBytes(sb.ToString());
        }
    }

    private static Dictionary<string, byte[]> RandomFiles(Random r, int count, bool binaryOnly = false)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string[] dirs = ["", "pkg/", "pkg/sub/", "tests/", "node_modules/x/", "build/", "__pycache__/", "deep/a/b/c/"];
        while (files.Count < count)
        {
            var path = dirs[r.Next(dirs.Length)] + RandomName(r);
            byte[] content;
            if (binaryOnly)
            {
                content = new byte[r.Next(1, 500)];
                r.NextBytes(content);
                content[0] = 0;
            }
            else content = RandomContent(r);
            files.TryAdd(path, content);
        }
        return files;
    }

    private static void CommitBare(string dir, Dictionary<string, byte[]> files)
    {
        Repository.Init(dir, isBare: true);
        using var repo = new Repository(dir);
        var tree = new TreeDefinition();
        foreach (var (path, bytes) in files)
            tree.Add(path, repo.ObjectDatabase.CreateBlob(new MemoryStream(bytes)), Mode.NonExecutableFile);
        var sig = new LibGit2Sharp.Signature("T", "t@example.org", DateTimeOffset.UnixEpoch);
        var commit = repo.ObjectDatabase.CreateCommit(sig, sig, "random\n", repo.ObjectDatabase.CreateTree(tree), [], false);
        repo.Refs.Add(repo.Refs.Head.TargetIdentifier, commit.Id);
    }

    private static void CheckNothingLost(RepoSource source, Dictionary<string, byte[]> files, SkipReport report)
    {
        var snapshot = source.ReadSnapshot();
        report.AddAll(snapshot);
        var seen = snapshot.Files.Select(f => f.Path).Concat(snapshot.Skipped.Select(s => s.Path)).ToList();
        Assert.Equal(files.Count, seen.Count);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        foreach (var file in snapshot.Files)
        {
            var original = files[file.Path];
            var bom = original.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0;
            Assert.Equal(original.AsSpan(bom).ToArray(), Encoding.UTF8.GetBytes(file.Text));
        }
        foreach (var s in snapshot.Skipped.Where(s => s.Reason != SkipReason.SkippedDirectory))
        {
            var original = files[s.Path];
            var expected = original.Length == 0 ? SkipReason.Empty
                : Array.IndexOf(original, (byte)0, 0, Math.Min(original.Length, 8000)) >= 0 ? SkipReason.Binary
                : SkipReason.InvalidUtf8;
            Assert.Equal(expected, s.Reason);
        }
    }

    [Fact]
    public void ThousandHostileFilesAcrossOddRepositoriesLoseNothing()
    {
        using var tmp = new TempDirectory();
        var r = new Random(20250401);
        var report = new SkipReport();
        var total = 0;

        var gitFiles = RandomFiles(r, 450);
        CommitBare(tmp.Sub("git-random"), gitFiles);
        var binaryFiles = RandomFiles(r, 150, binaryOnly: true);
        CommitBare(tmp.Sub("git-binary-only"), binaryFiles);
        var plainFiles = RandomFiles(r, 450);
        var plain = tmp.Sub("plain-random");
        foreach (var (path, bytes) in plainFiles) TempDirectory.Write(plain, path, bytes);
        tmp.Sub("plain-empty");
        GitCli.Run(tmp.Sub("git-empty"), null, "init", "-q");

        foreach (var (name, files) in new[] { ("git-random", gitFiles), ("git-binary-only", binaryFiles), ("plain-random", plainFiles), ("plain-empty", new Dictionary<string, byte[]>()) })
        {
            using var source = RepoSource.Open(Path.Combine(tmp.Path, name));
            CheckNothingLost(source, files, report);
            total += files.Count;
        }
        var e = Assert.Throws<MiningException>(() => RepoSource.Open(Path.Combine(tmp.Path, "git-empty")));
        report.Add("git-empty", SkipReason.EmptyRepository, e.Message);

        Assert.True(total >= 1000);
        Assert.Equal(150, report.ForRepo("git-binary-only").Count(s => s.Reason is SkipReason.Binary or SkipReason.SkippedDirectory));
        Assert.Contains(SkipReason.InvalidUtf8, report.Counts.Keys);
        Assert.Contains(SkipReason.Empty, report.Counts.Keys);
        Assert.Contains(SkipReason.SkippedDirectory, report.Counts.Keys);
        Assert.Equal(1, report.Counts[SkipReason.EmptyRepository]);
        Assert.Equal(report.Entries.Count, report.Counts.Values.Sum());
    }
}
