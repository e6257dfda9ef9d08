using System.Text;
using Code2Lora.Python;

namespace Code2Lora.Tests.Python;

/// <summary>Known answers taken from CPython 3.11's tokenize.generate_tokens on small edge-case modules.</summary>
public class PyTokenizerTests
{
    private static void AssertTokens(string source, params (PyTokenType Type, string Text, int Sl, int Sc, int El, int Ec)[] expected)
    {
        var actual = PyTokenizer.Tokenize(source).Select(t => (t.Type, t.Text, t.StartLine, t.StartCol, t.EndLine, t.EndCol)).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Missing_final_newline_gets_an_empty_newline_then_dedents() => AssertTokens("def f():\n  x = 1",
        (PyTokenType.Name, "def", 1, 0, 1, 3), (PyTokenType.Name, "f", 1, 4, 1, 5), (PyTokenType.Op, "(", 1, 5, 1, 6),
        (PyTokenType.Op, ")", 1, 6, 1, 7), (PyTokenType.Op, ":", 1, 7, 1, 8), (PyTokenType.Newline, "\n", 1, 8, 1, 9),
        (PyTokenType.Indent, "  ", 2, 0, 2, 2), (PyTokenType.Name, "x", 2, 2, 2, 3), (PyTokenType.Op, "=", 2, 4, 2, 5),
        (PyTokenType.Number, "1", 2, 6, 2, 7), (PyTokenType.Newline, "", 2, 7, 2, 8), (PyTokenType.Dedent, "", 3, 0, 3, 0),
        (PyTokenType.EndMarker, "", 3, 0, 3, 0));

    [Fact]
    public void Comment_at_eof_without_newline_gets_an_empty_nl_and_no_newline() => AssertTokens("x=1\n# c",
        (PyTokenType.Name, "x", 1, 0, 1, 1), (PyTokenType.Op, "=", 1, 1, 1, 2), (PyTokenType.Number, "1", 1, 2, 1, 3),
        (PyTokenType.Newline, "\n", 1, 3, 1, 4), (PyTokenType.Comment, "# c", 2, 0, 2, 3), (PyTokenType.NL, "", 2, 3, 2, 3),
        (PyTokenType.EndMarker, "", 3, 0, 3, 0));

    [Fact]
    public void Blank_line_after_backslash_continuation_is_a_newline() => AssertTokens("x = (1,\n 2)\\\n\n",
        (PyTokenType.Name, "x", 1, 0, 1, 1), (PyTokenType.Op, "=", 1, 2, 1, 3), (PyTokenType.Op, "(", 1, 4, 1, 5),
        (PyTokenType.Number, "1", 1, 5, 1, 6), (PyTokenType.Op, ",", 1, 6, 1, 7), (PyTokenType.NL, "\n", 1, 7, 1, 8),
        (PyTokenType.Number, "2", 2, 1, 2, 2), (PyTokenType.Op, ")", 2, 2, 2, 3), (PyTokenType.Newline, "\n", 3, 0, 3, 1),
        (PyTokenType.EndMarker, "", 4, 0, 4, 0));

    [Fact]
    public void Empty_source_is_just_an_endmarker() => AssertTokens("", (PyTokenType.EndMarker, "", 1, 0, 1, 0));

    [Theory]
    [InlineData("x = \"\"\"abc\n", "EOF in multi-line string", 1, 4)]
    [InlineData("x = (1,\n", "EOF in multi-line statement", 2, 0)]
    [InlineData("x = 1\\\n", "EOF in multi-line statement", 2, 0)]
    [InlineData("if x:\n    y\n  z\n", "unindent does not match any outer indentation level", 3, 2)]
    public void Broken_modules_raise_with_cpython_positions(string source, string message, int line, int column)
    {
        var error = Assert.Throws<PySyntaxError>(() => PyTokenizer.Tokenize(source));
        Assert.StartsWith(message, error.Message);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Lone_carriage_return_ends_a_line_like_the_compiler_does()
    {
        var tokens = PyTokenizer.Tokenize("x = 1\ry = 2\r");
        Assert.Equal([("x", 1), ("y", 2)], tokens.Where(t => t.Type == PyTokenType.Name).Select(t => (t.Text, t.StartLine)));
        Assert.Equal(2, tokens.Count(t => t.Type == PyTokenType.Newline && t.Text == "\r"));
    }

    [Fact]
    public void Byte_order_mark_is_skipped() =>
        Assert.Equal((1, 0), PyTokenizer.Tokenize("\uFEFFx\n").Select(t => (t.StartLine, t.StartCol)).First());

    [Fact]
    public void A_megabyte_of_python_tokenizes_without_error()
    {
        var sb = new StringBuilder();
        for (int i = 0; sb.Length < 1 << 20; i++)
            sb.Append($"class C{i}(Base):\n    \"\"\"Doc {i}.\"\"\"\n    def test_{i}(self, x=0x{i:x}):\n        assert f(x, [1, 2]) == {{'k': {i}.5e-3}}  # note\n");
        var tokens = PyTokenizer.Tokenize(sb.ToString());
        Assert.Equal(PyTokenType.EndMarker, tokens[^1].Type);
        Assert.DoesNotContain(tokens, t => t.Type == PyTokenType.ErrorToken);
    }

    [Fact]
    public void Matches_cpython_on_numbers() => AssertTokens("0x_1f 1_000.5e-3j .5 1. 0o17 0b1 1e5 1if 07 1__0\n",
        (PyTokenType.Number, "0x_1f", 1, 0, 1, 5),
        (PyTokenType.Number, "1_000.5e-3j", 1, 6, 1, 17),
        (PyTokenType.Number, ".5", 1, 18, 1, 20),
        (PyTokenType.Number, "1.", 1, 21, 1, 23),
        (PyTokenType.Number, "0o17", 1, 24, 1, 28),
        (PyTokenType.Number, "0b1", 1, 29, 1, 32),
        (PyTokenType.Number, "1e5", 1, 33, 1, 36),
        (PyTokenType.Number, "1", 1, 37, 1, 38),
        (PyTokenType.Name, "if", 1, 38, 1, 40),
        (PyTokenType.Number, "0", 1, 41, 1, 42),
        (PyTokenType.Number, "7", 1, 42, 1, 43),
        (PyTokenType.Number, "1", 1, 44, 1, 45),
        (PyTokenType.Name, "__0", 1, 45, 1, 48),
        (PyTokenType.Newline, "\n", 1, 48, 1, 49),
        (PyTokenType.EndMarker, "", 2, 0, 2, 0));

    [Fact]
    public void Matches_cpython_on_operators() => AssertTokens("a := b -> c **= d //= e >>= f <<= g @= h != i ... j.k ~l\n",
        (PyTokenType.Name, "a", 1, 0, 1, 1),
        (PyTokenType.Op, ":=", 1, 2, 1, 4),
        (PyTokenType.Name, "b", 1, 5, 1, 6),
        (PyTokenType.Op, "->", 1, 7, 1, 9),
        (PyTokenType.Name, "c", 1, 10, 1, 11),
        (PyTokenType.Op, "**=", 1, 12, 1, 15),
        (PyTokenType.Name, "d", 1, 16, 1, 17),
        (PyTokenType.Op, "//=", 1, 18, 1, 21),
        (PyTokenType.Name, "e", 1, 22, 1, 23),
        (PyTokenType.Op, ">>=", 1, 24, 1, 27),
        (PyTokenType.Name, "f", 1, 28, 1, 29),
        (PyTokenType.Op, "<<=", 1, 30, 1, 33),
        (PyTokenType.Name, "g", 1, 34, 1, 35),
        (PyTokenType.Op, "@=", 1, 36, 1, 38),
        (PyTokenType.Name, "h", 1, 39, 1, 40),
        (PyTokenType.Op, "!=", 1, 41, 1, 43),
        (PyTokenType.Name, "i", 1, 44, 1, 45),
        (PyTokenType.Op, "...", 1, 46, 1, 49),
        (PyTokenType.Name, "j", 1, 50, 1, 51),
        (PyTokenType.Op, ".", 1, 51, 1, 52),
        (PyTokenType.Name, "k", 1, 52, 1, 53),
        (PyTokenType.Op, "~", 1, 54, 1, 55),
        (PyTokenType.Name, "l", 1, 55, 1, 56),
        (PyTokenType.Newline, "\n", 1, 56, 1, 57),
        (PyTokenType.EndMarker, "", 2, 0, 2, 0));

    [Fact]
    public void Matches_cpython_on_strings() => AssertTokens("rb'x' Rb\"x\" f\"{x}\" FR'a' u'x' '''a\nb''' \"\"\n",
        (PyTokenType.String, "rb'x'", 1, 0, 1, 5),
        (PyTokenType.String, "Rb\"x\"", 1, 6, 1, 11),
        (PyTokenType.String, "f\"{x}\"", 1, 12, 1, 18),
        (PyTokenType.String, "FR'a'", 1, 19, 1, 24),
        (PyTokenType.String, "u'x'", 1, 25, 1, 29),
        (PyTokenType.String, "'''a\nb'''", 1, 30, 2, 4),
        (PyTokenType.String, "\"\"", 2, 5, 2, 7),
        (PyTokenType.Newline, "\n", 2, 7, 2, 8),
        (PyTokenType.EndMarker, "", 3, 0, 3, 0));

    [Fact]
    public void Matches_cpython_on_crlf() => AssertTokens("x = 1\r\nif x:\r\n    y = (1,\r\n 2)\r\n",
        (PyTokenType.Name, "x", 1, 0, 1, 1),
        (PyTokenType.Op, "=", 1, 2, 1, 3),
        (PyTokenType.Number, "1", 1, 4, 1, 5),
        (PyTokenType.Newline, "\r\n", 1, 5, 1, 7),
        (PyTokenType.Name, "if", 2, 0, 2, 2),
        (PyTokenType.Name, "x", 2, 3, 2, 4),
        (PyTokenType.Op, ":", 2, 4, 2, 5),
        (PyTokenType.Newline, "\r\n", 2, 5, 2, 7),
        (PyTokenType.Indent, "    ", 3, 0, 3, 4),
        (PyTokenType.Name, "y", 3, 4, 3, 5),
        (PyTokenType.Op, "=", 3, 6, 3, 7),
        (PyTokenType.Op, "(", 3, 8, 3, 9),
        (PyTokenType.Number, "1", 3, 9, 3, 10),
        (PyTokenType.Op, ",", 3, 10, 3, 11),
        (PyTokenType.NL, "\r\n", 3, 11, 3, 13),
        (PyTokenType.Number, "2", 4, 1, 4, 2),
        (PyTokenType.Op, ")", 4, 2, 4, 3),
        (PyTokenType.Newline, "\r\n", 4, 3, 4, 5),
        (PyTokenType.Dedent, "", 5, 0, 5, 0),
        (PyTokenType.EndMarker, "", 5, 0, 5, 0));

    [Fact]
    public void Matches_cpython_on_tabs() => AssertTokens("if x:\n\tif y:\n\t\tz\n# c\n\nw\n",
        (PyTokenType.Name, "if", 1, 0, 1, 2),
        (PyTokenType.Name, "x", 1, 3, 1, 4),
        (PyTokenType.Op, ":", 1, 4, 1, 5),
        (PyTokenType.Newline, "\n", 1, 5, 1, 6),
        (PyTokenType.Indent, "\t", 2, 0, 2, 1),
        (PyTokenType.Name, "if", 2, 1, 2, 3),
        (PyTokenType.Name, "y", 2, 4, 2, 5),
        (PyTokenType.Op, ":", 2, 5, 2, 6),
        (PyTokenType.Newline, "\n", 2, 6, 2, 7),
        (PyTokenType.Indent, "\t\t", 3, 0, 3, 2),
        (PyTokenType.Name, "z", 3, 2, 3, 3),
        (PyTokenType.Newline, "\n", 3, 3, 3, 4),
        (PyTokenType.Comment, "# c", 4, 0, 4, 3),
        (PyTokenType.NL, "\n", 4, 3, 4, 4),
        (PyTokenType.NL, "\n", 5, 0, 5, 1),
        (PyTokenType.Dedent, "", 6, 0, 6, 0),
        (PyTokenType.Dedent, "", 6, 0, 6, 0),
        (PyTokenType.Name, "w", 6, 0, 6, 1),
        (PyTokenType.Newline, "\n", 6, 1, 6, 2),
        (PyTokenType.EndMarker, "", 7, 0, 7, 0));

    [Fact]
    public void Matches_cpython_on_unicode() => AssertTokens("名前 = 's😀'; x\n",
        (PyTokenType.Name, "名前", 1, 0, 1, 2),
        (PyTokenType.Op, "=", 1, 3, 1, 4),
        (PyTokenType.String, "'s😀'", 1, 5, 1, 9),
        (PyTokenType.Op, ";", 1, 9, 1, 10),
        (PyTokenType.Name, "x", 1, 11, 1, 12),
        (PyTokenType.Newline, "\n", 1, 12, 1, 13),
        (PyTokenType.EndMarker, "", 2, 0, 2, 0));

    [Fact]
    public void Matches_cpython_on_formfeed() => AssertTokens("\fx = 1\n",
        (PyTokenType.Name, "x", 1, 1, 1, 2),
        (PyTokenType.Op, "=", 1, 3, 1, 4),
        (PyTokenType.Number, "1", 1, 5, 1, 6),
        (PyTokenType.Newline, "\n", 1, 6, 1, 7),
        (PyTokenType.EndMarker, "", 2, 0, 2, 0));

    [Fact]
    public void Matches_cpython_on_error() => AssertTokens("a $ b\n",
        (PyTokenType.Name, "a", 1, 0, 1, 1),
        (PyTokenType.ErrorToken, " ", 1, 1, 1, 2),
        (PyTokenType.ErrorToken, "$", 1, 2, 1, 3),
        (PyTokenType.Name, "b", 1, 4, 1, 5),
        (PyTokenType.Newline, "\n", 1, 5, 1, 6),
        (PyTokenType.EndMarker, "", 2, 0, 2, 0));

    [Fact]
    public void Matches_cpython_on_contstr() => AssertTokens("x = 'ab\\\ncd' + y\n",
        (PyTokenType.Name, "x", 1, 0, 1, 1),
        (PyTokenType.Op, "=", 1, 2, 1, 3),
        (PyTokenType.String, "'ab\\\ncd'", 1, 4, 2, 3),
        (PyTokenType.Op, "+", 2, 4, 2, 5),
        (PyTokenType.Name, "y", 2, 6, 2, 7),
        (PyTokenType.Newline, "\n", 2, 7, 2, 8),
        (PyTokenType.EndMarker, "", 3, 0, 3, 0));

}
