using Code2Lora.Evaluation.Context;

namespace Code2Lora.Tests.Evaluation.Context;

public class DrcTests
{
    private static readonly ByteTokenizer Bytes = new();

    private const string Core = "def helper(x):\n    \"\"\"Help with x.\n\n    More words.\n    \"\"\"\n    return x + 1\n\n\ndef unused():\n    return 0\n";
    private const string Mod = "import os\n\n\ndef f(a):\n    return a * 2\n\n\n@staticmethod\ndef g(b):\n    return b - 1\n";

    private static ContextRepo Repo() => new("owner/drc", new Dictionary<string, string>
    {
        ["pkg/__init__.py"] = "from .core import helper\n",
        ["pkg/core.py"] = Core,
        ["pkg/mod.py"] = Mod,
        ["pkg/bad.py"] = "def k(:\n    return 1\n\nx = (\n",
        ["src/srcpkg/__init__.py"] = "",
        ["src/srcpkg/util.py"] = "def h():\n    return 'h'\n",
        ["tests/__init__.py"] = "",
        ["tests/helpers.py"] = "def assist():\n    return 1\n",
        ["tests/test_x.py"] = "import os\nfrom pkg.mod import f\nimport pkg.mod as m\nimport pkg.mod\nfrom srcpkg.util import h\nfrom .helpers import assist\n"
            + "from pkg import (\n    helper,\n)\n\n\ndef test_a():\n    assert f(1) == 2\n",
        ["tests/test_broken.py"] = "from pkg.bad import k\nfrom pkg.mod import f\n\ndef test(:\n    assert k() ==\n",
        ["tests/test_os.py"] = "import os\nimport json\n",
    });

    private static string Block(string path, string code) => $"# Source: {path}\n{code}\n\n\n";

    [Theory]
    [InlineData("def test_a():\n    assert f(1) == ", "pkg/mod.py", "f")]               // from pkg.mod import f
    [InlineData("def test_b():\n    assert m.g(3) == ", "pkg/mod.py", "g")]             // import pkg.mod as m; m.g(
    [InlineData("def test_c():\n    assert pkg.mod.g(3) == ", "pkg/mod.py", "g")]       // import pkg.mod; pkg.mod.g(
    [InlineData("def test_d():\n    assert h() == ", "src/srcpkg/util.py", "h")]        // src layout
    [InlineData("def test_e():\n    assert assist() == ", "tests/helpers.py", "assist")] // relative import from the test's folder
    [InlineData("def test_f():\n    assert helper(2) == ", "pkg/core.py", "helper")]     // re-exported by pkg/__init__.py
    public void Resolves_each_import_form_to_the_used_definition_only(string prefix, string path, string name)
    {
        using var repo = Repo();
        var drc = new DrcContext([repo.Input], Bytes);
        var result = drc.Build(repo.Task(prefix));
        var item = Assert.Single(result.Included);
        Assert.Equal((path, name, false), (item.Path, item.Name, item.Shortened));
        var expected = name switch
        {
            "f" => "def f(a):\n    return a * 2",
            "g" => "@staticmethod\ndef g(b):\n    return b - 1",
            "h" => "def h():\n    return 'h'",
            "assist" => "def assist():\n    return 1",
            _ => Core[..Core.IndexOf("\n\n\ndef unused", StringComparison.Ordinal)],
        };
        Assert.Equal(Block(path, expected), result.Context);
    }

    [Fact]
    public void Orders_by_last_use_and_shortens_then_drops_under_the_budget()
    {
        using var repo = Repo();
        var prefix = "import os\ndef test():\n    y = assist()\n    x = f(h())\n    assert x == ";
        var all = new DrcContext([repo.Input], Bytes).Build(repo.Task(prefix));
        // Selection is most-recently-used first (h, f, assist); the most relevant is written last, next to the prefix.
        Assert.Equal(["assist", "f", "h"], all.Included.Select(i => i.Name));
        Assert.Equal(Block("tests/helpers.py", "def assist():\n    return 1") + Block("pkg/mod.py", "def f(a):\n    return a * 2")
            + Block("src/srcpkg/util.py", "def h():\n    return 'h'"), all.Context);
        Assert.Equal(all.Context!.Length, all.Included.Sum(i => i.Tokens));   // byte tokenizer: tokens = bytes

        var helperFull = Block("pkg/core.py", Core[..Core.IndexOf("\n\n\ndef unused", StringComparison.Ordinal)]);
        var helperShort = Block("pkg/core.py", "def helper(x):\n    \"\"\"Help with x.\"\"\"\n    ...");
        var tight = new DrcContext([repo.Input], Bytes, new DrcConfig { MaxTokens = helperFull.Length - 1 });
        var shortened = tight.Build(repo.Task("assert helper(1) == "));
        Assert.Equal(helperShort, shortened.Context);
        Assert.True(Assert.Single(shortened.Included).Shortened);

        var none = new DrcContext([repo.Input], Bytes, new DrcConfig { MaxTokens = 10 });
        Assert.Null(none.ContextFor(repo.Task("assert helper(1) == ")));
        Assert.Equal(1, none.Coverage.Reasons[DrcContext.OverBudget]);
    }

    [Fact]
    public void Counts_tasks_where_nothing_resolves_or_nothing_is_used_and_survives_broken_python()
    {
        using var repo = Repo();
        var drc = new DrcContext([repo.Input], Bytes);
        Assert.Null(drc.ContextFor(repo.Task("import os\nassert os.sep == ", "tests/test_os.py")));
        Assert.Null(drc.ContextFor(repo.Task("from pkg.mod import f\n\ndef test():\n    assert 1 == ")));   // f imported, never used
        Assert.Null(drc.ContextFor(new Code2Lora.Bench.QnaRow { RepoId = "owner/none", Prefix = "x" }));
        // The broken test file falls back to regex imports; the broken module to the line scan.
        var broken = drc.ContextFor(repo.Task("def test():\n    assert k() == ", "tests/test_broken.py"));
        Assert.Equal(Block("pkg/bad.py", "def k(:\n    return 1"), broken);
        // A test file that is not in the snapshot: the prefix's own imports are used.
        Assert.NotNull(drc.ContextFor(repo.Task("from pkg.mod import f\nassert f(0) == ", "tests/test_gone.py")));

        Assert.Equal((5, 2), (drc.Coverage.Tasks, drc.Coverage.WithContext));
        Assert.Equal(0.4, drc.Coverage.Fraction, 12);
        Assert.Equal(1, drc.Coverage.Reasons[DrcContext.NoImportResolved]);
        Assert.Equal(1, drc.Coverage.Reasons[DrcContext.NoUsedDefinition]);
        Assert.Equal(1, drc.Coverage.Reasons["repo-missing"]);
        Assert.True(drc.ParseFallbacks >= 2);
    }

    [Fact]
    public void Imports_are_read_from_tokens_and_by_regex_alike()
    {
        const string source = "import a.b as c, d.e\nfrom ..p.q import (x,\n    y as z)  # note\nfrom . import mod; from m import *\n";
        PyImport[] expected =
        [
            new("c", "a.b", 0, null), new("d", "d", 0, null, "d.e"), new("x", "p.q", 2, "x"), new("z", "p.q", 2, "y"),
            new("mod", "", 1, "mod"), new("*", "m", 0, "*"),
        ];
        Assert.Equal(expected, PyImports.Parse(source, out var fallback));
        Assert.False(fallback);
        Assert.Equal(expected[..4], PyImports.ParseByRegex(source).Take(4));
        PyImports.Parse("from a import (b,\n", out fallback);
        Assert.True(fallback);
    }
}
