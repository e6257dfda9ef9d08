using System.Text;
using System.Text.RegularExpressions;
using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class ProductionDiffTests
{
    private static readonly DateTimeOffset T0 = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    private static void Write(string dir, string path, string text) => TempDirectory.Write(dir, path, Encoding.UTF8.GetBytes(text));

    private static string Module(int n, Func<int, string>? line = null) =>
        string.Concat(Enumerable.Range(0, n).Select(i => line?.Invoke(i) ?? $"def func_{i}(x):\n    y = x + {i}\n    return y\n\n"));

    /// <summary>Three commits touching production, test, docs, skipped-directory and non-production files.</summary>
    private static List<string> BuildRepo(string dir)
    {
        GitCli.Run(dir, T0, "init", "-q");
        Write(dir, "pkg/a.py", Module(20));
        Write(dir, "pkg/b.py", "B = 1\n");
        Write(dir, "pkg/c.py", Module(15));
        Write(dir, "README.md", "# Project\n\nSome text.\n");
        Write(dir, "docs/guide.rst", "Guide\n=====\n");
        Write(dir, "tests/test_a.py", "from pkg.a import func_1\n\ndef test_one():\n    assert func_1(1) == 2\n");
        Write(dir, "data.json", "{\"a\": 1}\n");
        Write(dir, "node_modules/x.py", "X = 1\n");
        Write(dir, "pkg/café.py", "NAME = 'café'\n");
        var c0 = GitCli.Commit(dir, T0, "root");

        Write(dir, "pkg/a.py", Module(20, i => i is 2 or 15 ? $"def func_{i}(x):\n    y = x * {i}\n    return y\n\n" : $"def func_{i}(x):\n    y = x + {i}\n    return y\n\n"));
        File.Delete(Path.Combine(dir, "pkg/b.py"));
        GitCli.Run(dir, T0, "mv", "pkg/c.py", "pkg/c_renamed.py");
        Write(dir, "pkg/c_renamed.py", Module(15) + "EXTRA = 1\n");
        Write(dir, "tests/test_a.py", "from pkg.a import func_1\n\ndef test_one():\n    assert func_1(1) == 1\n");
        Write(dir, "pkg/empty.py", "");
        Write(dir, "pkg/no_eol.py", "A = 1");
        Write(dir, "README.md", "# Project\n\nSome other text.\n");
        Write(dir, "node_modules/x.py", "X = 2\n");
        Write(dir, "pkg/café.py", "NAME = 'cafés'\n");
        var c1 = GitCli.Commit(dir, T0.AddHours(1), "mixed changes");

        // A change the indent heuristic places differently from plain Myers.
        Write(dir, "pkg/indent.py", "def f():\n    if a:\n        x()\n\n    if b:\n        y()\n");
        Write(dir, "pkg/no_eol.py", "A = 2");
        var c2 = GitCli.Commit(dir, T0.AddHours(2), "indent");
        Write(dir, "pkg/indent.py", "def f():\n    if a:\n        x()\n\n    if c:\n        z()\n\n    if b:\n        y()\n");
        var c3 = GitCli.Commit(dir, T0.AddHours(3), "indent heuristic");
        return [c0, c1, c2, c3];
    }

    /// <summary>Splits git's full diff into per-file sections and keeps those whose b-path is production code (the authors' filter_diff).</summary>
    private static string FilterLikeTheAuthors(string rawDiff, MiningRules rules)
    {
        var sections = Regex.Split(rawDiff, "(?=^diff --git )", RegexOptions.Multiline).Where(s => s.StartsWith("diff --git ", StringComparison.Ordinal));
        var kept = sections.Where(s =>
        {
            var header = s[..s.IndexOf('\n')];
            var quoted = header.LastIndexOf(" \"b/", StringComparison.Ordinal);
            var bPath = quoted >= 0 ? Unquote(header[(quoted + 4)..^1]) : header[(header.LastIndexOf(" b/", StringComparison.Ordinal) + 3)..];
            return FileRules.IsProductionPath(bPath, rules);
        });
        return string.Concat(kept);
    }

    /// <summary>Undoes git's C-style quoting of non-ASCII path bytes (core.quotePath, on by default).</summary>
    private static string Unquote(string quoted)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 3 < quoted.Length && char.IsAsciiDigit(quoted[i + 1]))
            {
                bytes.Add(Convert.ToByte(quoted.Substring(i + 1, 3), 8));
                i += 3;
            }
            else if (quoted[i] == '\\') bytes.Add((byte)quoted[++i]);
            else bytes.AddRange(Encoding.UTF8.GetBytes(quoted[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Theory]
    [InlineData(TestFileRule.Paper)]
    [InlineData(TestFileRule.Code)]
    public void EqualsTheGitCliDiffFilteredToProductionFiles(TestFileRule rule)
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        var shas = BuildRepo(dir);
        var rules = new MiningRules { TestRule = rule };
        using var source = RepoSource.Open(dir);
        var pairs = new (string? From, string To)[] { (null, shas[0]), (shas[0], shas[1]), (shas[1], shas[2]), (shas[2], shas[3]), (shas[0], shas[3]) };
        foreach (var (from, to) in pairs)
        {
            var git = GitCli.Run(dir, null, "diff", "--no-color", "-U3", from ?? EmptyTree, to);
            var expected = FilterLikeTheAuthors(git, rules);
            Assert.Equal(expected, source.ProductionDiff(from, to, rules));
        }
        var c0to1 = source.ProductionDiff(shas[0], shas[1], rules);
        Assert.Contains("rename from pkg/c.py", c0to1);
        Assert.Contains("deleted file mode", c0to1);
        Assert.Contains("\\ No newline at end of file", c0to1);
        Assert.Contains("pkg/caf\\303\\251.py", c0to1); // quoted like git's default core.quotePath
        Assert.DoesNotContain("tests/test_a.py", c0to1);
        Assert.DoesNotContain("node_modules", c0to1);
        Assert.DoesNotContain("data.json", c0to1);
        Assert.Equal("", source.ProductionDiff(shas[1], shas[1], rules));
    }

    [Fact]
    public void EqualsGitDiffWithAPathspecOfTheKeptFiles()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        var shas = BuildRepo(dir);
        var rules = new MiningRules();
        using var source = RepoSource.Open(dir);
        var names = GitCli.Run(dir, null, "diff", "--name-only", "--no-renames", shas[1], shas[3])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => FileRules.IsProductionPath(p, rules)).ToArray();
        Assert.NotEmpty(names);
        var git = GitCli.Run(dir, null, ["diff", "--no-color", "-U3", shas[1], shas[3], "--", .. names]);
        Assert.Equal(git, source.ProductionDiff(shas[1], shas[3], rules));
    }

    [Fact]
    public void ContextLinesFollowTheRules()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Sub("repo");
        var shas = BuildRepo(dir);
        var rules = new MiningRules { DiffContextLines = 1 };
        using var source = RepoSource.Open(dir);
        var git = FilterLikeTheAuthors(GitCli.Run(dir, null, "diff", "--no-color", "-U1", shas[0], shas[1]), rules);
        Assert.Equal(git, source.ProductionDiff(shas[0], shas[1], rules));
    }
}
