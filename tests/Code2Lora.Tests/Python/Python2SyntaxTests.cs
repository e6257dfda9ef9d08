using Code2Lora.Python;

namespace Code2Lora.Tests.Python;

/// <summary>Python 2 syntax is a syntax error exactly where CPython 3's ast.parse says so, with a category that names it.</summary>
public class Python2SyntaxTests
{
    /// <summary>Python 2 test-file fragments CPython 3 rejects, with the category the port reports.</summary>
    public static readonly TheoryData<string, string> Python2 = new()
    {
        { "def test_a():\n    print 'x'\n", "print statement (Python 2)" },
        { "def test_a():\n    print str(g)\n", "print statement (Python 2)" },
        { "print x,\n", "print statement (Python 2)" },
        { "exec \"x = 1\" in ns\n", "exec statement (Python 2)" },
        { "x = 123L\n", "long integer literal (Python 2)" },
        { "x = 0777\n", "octal literal without 0o (Python 2)" },
        { "x = `y`\n", "backquote repr `x` (Python 2)" },
        { "assert a <> b\n", "'<>' operator (Python 2)" },
        { "x = ur'abc'\n", "string prefix ur'' (Python 2)" },
        { "try:\n    f()\nexcept ValueError, e:\n    pass\n", "except X, e (Python 2)" },
        { "def f():\n    raise ValueError, 'bad'\n", "raise E, V (Python 2)" },
        { "def f(a, (b, c)):\n    pass\n", "tuple parameter (Python 2)" },
        { "f = lambda (a, b): a\n", "tuple parameter (Python 2)" },
        { "from twisted.internet.defer import async\n", "'async' used as a name (a keyword since Python 3.7)" },
        { "x = d.async\n", "keyword used as an attribute name" },
        { "if x:\n        a = 1\n\tb = 2\n", "inconsistent use of tabs and spaces in indentation" },
        { "x = 1.real\n", "invalid number literal" },
    };

    /// <summary>Python 3 that looks close to the rules above and must parse.</summary>
    public static readonly TheoryData<string> Python3 = new()
    {
        "from tinydb import TinyDB\nfrom .storages import MemoryStorage\nfrom . import x\nfrom .. import y\n",
        "print(x)\nprint >>sys.stderr, 'x'\nprint\n",
        "def f():\n    raise ValueError('a, b') from e\n",
        "x = a if b else c\ny = [a async for b in c]\nz = a not in b and c is not d\n",
        "try:\n    f()\nexcept (ValueError, TypeError) as e:\n    pass\n",
        "def f(a=(1, 2), *, b: (int) = 3):\n    return lambda: (a, b)\n",
        "match command:\n    case [a, b] if a:\n        pass\n    case _:\n        pass\n",
        "x = 1if y else 2\nz = 0o777 + 0x1F + 1_000 + 1e5 + 1j\n",
        "if x:\n\ta = 1\n\tif y:\n\t\tb = 2\n",
        "async def f():\n    async with a as b:\n        async for c in d:\n            await c\n",
        "x = rb'a' + Rb'b' + f'{c}' + u'd' + 'e' 'f'\n",
    };

    [Theory]
    [MemberData(nameof(Python2))]
    public void Python2_syntax_is_a_syntax_error_with_its_category(string source, string category)
    {
        var e = Assert.Throws<PySyntaxError>(() => EvolutionTaskExtractor.Extract(source));
        Assert.Equal(category, ParseRejections.Category(e.Message));
        Assert.True(e.Line >= 1);
    }

    [Theory]
    [MemberData(nameof(Python3))]
    public void Python3_that_looks_alike_parses(string source) => EvolutionTaskExtractor.Extract(source);

    [Fact]
    public void Cpython_agrees_on_every_fragment()
    {
        if (!File.Exists(PythonDifferential.DefaultPython) && PythonDifferential.DefaultPython.StartsWith('/')) return;
        var dir = Directory.CreateTempSubdirectory("c2l-py2-").FullName;
        try
        {
            var rejected = ((IEnumerable<object[]>)Python2).Select(row => (string)row[0]).ToList();
            var accepted = ((IEnumerable<object[]>)Python3).Select(row => (string)row[0]).ToList();
            var files = rejected.Concat(accepted).Select((text, i) =>
            {
                var path = Path.Combine(dir, $"f{i}.py");
                File.WriteAllText(path, text);
                return path;
            }).ToList();

            var report = PythonDifferential.Run(files);

            Assert.Equal((rejected.Count, rejected.Count, rejected.Count), (report.Rejections.CPython, report.Rejections.Port, report.Rejections.Both));
            Assert.Empty(report.Rejections.PortOnly);
            Assert.Empty(report.Rejections.CPythonOnly);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
