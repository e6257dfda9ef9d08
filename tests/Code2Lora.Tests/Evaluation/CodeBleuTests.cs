using Code2Lora.Evaluation;
using Code2Lora.Evaluation.TreeSitter;

namespace Code2Lora.Tests.Evaluation;

/// <summary>CodeBLEU pinned by the codebleu package's own known answers (k4black/codebleu 0.7.1, tests/test_codebleu.py and
/// the doctests of its vendored bleu.py), by hand-derived part scores, and by the authors' per-task rule (paper-notes §1.8).</summary>
public class CodeBleuTests
{
    // test_simple_cases: pytest.approx(expected, 0.01), a 1 % relative tolerance.
    [Theory]
    [InlineData("some rannnndom words in length more than 3", "def test ( ) :\n pass", 0.25)] // no flow in the reference: data flow counts 1
    [InlineData("def bar ( y , x ) :\n    a = x * x\n    return a", "def foo ( x ) :\n    return x", 0.36)]
    [InlineData("def foo ( x ) :\n    return x * x", "def bar ( x ) :\n    return x", 0.61)]
    [InlineData("def bar ( x ) :\n    return x", "def foo ( x ) :\n    return x", 0.85)]
    [InlineData("def foo ( x ) :\n    return x", "def foo ( x ) :\n    return x", 1.0)]
    public void MatchesThePackagesSimpleCases(string prediction, string reference, double expected) =>
        AssertClose(expected, CodeBleu.Compute(prediction, reference).Score, 0.01);

    // test_input_variants (python): several references per prediction.
    [Theory]
    [InlineData("def foo ( x ) : pass", new[] { "def foo ( x ) : pass" }, 1.0)]
    [InlineData("def foo ( x ) : pass", new[] { "def bar ( x ) : pass", "def foo ( x ) : pass" }, 0.95)]
    [InlineData("def foo ( x ) : pass", new[] { "def foo ( x ) : pass", "def bar ( x ) : pass" }, 0.95)]
    public void MatchesThePackagesMultiReferenceCases(string prediction, string[] references, double expected) =>
        AssertClose(expected, CodeBleu.Corpus([references], [prediction]).Score, 0.01);

    // The package's own code (codebleu 0.7.1, calc_codebleu([ref], [pred], "python")) run on these pairs with tree-sitter-python
    // 0.23.6 (through a ctypes binding, as py-tree-sitter cannot be installed here); the same under PYTHONHASHSEED 0–3.
    // They cover what the package's tests do not: for/while walked twice, if/elif/else joins, comprehensions, default
    // parameters, tuple assignment, a call without data flow. Parts: total, n-gram, weighted, syntax, data flow.
    [Theory]
    [InlineData("def total(xs, start=0):\n    s = start\n    for x in xs:\n        s += x\n    return s",
        "def total(values, start=0):\n    acc = start\n    for v in values:\n        acc = acc + v\n    return acc",
        0.338453330904, 0.070760371563, 0.080255749255, 0.384615384615, 0.818181818182)]
    [InlineData("def f(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i", "def f(n):\n    i = n\n    while i > 0:\n        i -= 1\n    return i",
        0.32588221555, 0.294209570812, 0.306938339008, 0.416666666667, 0.285714285714)]
    [InlineData("def g(a, b):\n    if a > b:\n        m = a\n    elif a == b:\n        m = 0\n    else:\n        m = b\n    return [m * k for k in range(m)]",
        "def g(a, b):\n    if a > b:\n        m = a\n    else:\n        m = b\n    return [k for k in range(m)]",
        0.67457714136, 0.513134185376, 0.768507713398, 0.666666666667, 0.75)]
    [InlineData("x, y = y, x", "a, b = b, a", 0.526864248296, 0.053728496591, 0.053728496591, 1.0, 1.0)]
    [InlineData("assertEqual(result, {'a': 1})", "assertEqual(result, {'a': 2})", 0.612938848525, 0.240281141413, 0.211474252688, 1.0, 0.0)]
    public void MatchesThePackageOnControlFlow(string prediction, string reference, double total, double ngram, double weighted, double syntax, double dataflow)
    {
        var s = CodeBleu.Compute(prediction, reference);
        Assert.Equal(ngram, s.NgramMatch, 1e-11);
        Assert.Equal(weighted, s.WeightedNgramMatch, 1e-11);
        Assert.Equal(syntax, s.SyntaxMatch, 1e-11);
        Assert.Equal(dataflow, s.DataflowMatch, 1e-11);
        Assert.Equal(total, s.Score, 1e-11);
    }

    [Fact]
    public void ExactMatchScoresOneInThePackageAndInTheAuthorsRule()
    {
        // test_exact_match_works_for_all_langs: not even code, yet 1.0.
        Assert.Equal(1.0, CodeBleu.Compute("some matching string a couple of times", "some matching string a couple of times").Score, 12);
        Assert.Equal(1.0, CodeBleu.ForTask("  result == 3 ", "result == 3"));
        Assert.Equal(0.0, CodeBleu.ForTask("   ", "result == 3"));
        Assert.Equal(0.0, CodeBleu.ForTask("x", ""));
    }

    [Fact]
    public void PartsOfARenamedFunctionAreDerivedByHand()
    {
        var s = CodeBleu.Compute("def bar ( x ) :\n    return x", "def foo ( x ) :\n    return x");
        // 8 tokens: 7/8 unigrams, 5/7 bigrams, 4/6 trigrams and 3/5 4-grams avoid "bar"; equal lengths, so no brevity penalty.
        AssertClose(Math.Exp(0.25 * (Math.Log(7.0 / 8) + Math.Log(5.0 / 7) + Math.Log(4.0 / 6) + Math.Log(3.0 / 5))), s.NgramMatch, 1e-12);
        // Keywords def and return weigh 1, the other reference unigrams 0.2 (x twice): recall 3.0 of 3.2; higher orders as above.
        AssertClose(Math.Exp(0.25 * (Math.Log(3.0 / 3.2) + Math.Log(5.0 / 7) + Math.Log(4.0 / 6) + Math.Log(3.0 / 5))), s.WeightedNgramMatch, 1e-12);
        // S-expressions hold node types, not names, so a rename keeps every subtree; both flows (x from the parameter) match.
        Assert.Equal(1.0, s.SyntaxMatch, 12);
        Assert.Equal(1.0, s.DataflowMatch, 12);
        Assert.Equal(0.25 * (s.NgramMatch + s.WeightedNgramMatch + s.SyntaxMatch + s.DataflowMatch), s.Score, 12);
    }

    [Fact]
    public void DataflowMatchCountsNormalisedEdgesOfTheReference()
    {
        // Reference flows: a from the parameter x, and the returned a from that a. The prediction computes a from x too, but
        // returns x, so one of the two reference edges is found.
        var s = CodeBleu.Compute("def f ( x ) :\n    a = x\n    return x", "def f ( x ) :\n    a = x\n    return a");
        Assert.True(s.DataflowMatch is > 0 and < 1, $"data flow {s.DataflowMatch}");
        Assert.Equal(1.0, CodeBleu.Compute("def g ( y ) :\n    b = y\n    return b", "def f ( x ) :\n    a = x\n    return a").DataflowMatch, 12);
    }

    // The doctests of the package's vendored NLTK bleu.py, with its default smoothing (Chen–Cherry method 1).
    private static readonly string[] Hyp1 = "It is a guide to action which ensures that the military always obeys the commands of the party".Split(' ');
    private static readonly string[] Hyp2 = "It is to insure the troops forever hearing the activity guidebook that party direct".Split(' ');
    private static readonly string[] Ref1 = "It is a guide to action that ensures that the military will forever heed Party commands".Split(' ');
    private static readonly string[] Ref2 = "It is the guiding principle which guarantees the military forces always being under the command of the Party".Split(' ');
    private static readonly string[] Ref3 = "It is the practical guide for the army always to heed the directions of the party".Split(' ');

    [Fact]
    public void NgramPartMatchesThePackagesBleuDoctests()
    {
        AssertDoctest("0.5045", NgramMatch.Bleu([[Ref1, Ref2, Ref3]], [Hyp1]));
        AssertDoctest("0.0370", NgramMatch.Bleu([[Ref1, Ref2, Ref3]], [Hyp2]));
        AssertDoctest("0.4118", NgramMatch.Bleu([[Ref1]], [Hyp1]));
        var hyp = "he read the book because he was interested in world history".Split(' ');
        var reference = "he was interested in world history because he read the book".Split(' ');
        AssertDoctest("0.5920", NgramMatch.Bleu([[Ref1, Ref2, Ref3], [reference]], [Hyp1, hyp]));
    }

    [Fact]
    public void WeightedPartWeighsKeywordsAndUsesTheReferenceLengthTwo()
    {
        // Reference "return x" (keyword 1 + other 0.2), hypothesis "return y": unigram recall 1 / 1.2, higher orders smoothed 0.1 / 1;
        // the brevity penalty compares 2 tokens with the package's reference length 2, so exp(1 - 2/2) = 1.
        var expected = Math.Exp(0.25 * (Math.Log(1 / 1.2) + 3 * Math.Log(0.1)));
        AssertClose(expected, NgramMatch.WeightedBleu([[["return", "x"]]], [["return", "y"]], PythonKeywords.Set), 1e-12);
        Assert.Contains("type", PythonKeywords.All);
        Assert.Equal(38, PythonKeywords.All.Count);
    }

    [Fact]
    public void DocstringsAndCommentsAreRemovedAsThePackageRemovesThem()
    {
        Assert.Equal("def f():\n    return 1  ", DocstringStripper.Strip("def f():\n    \"\"\"Doc.\"\"\"\n    return 1  # one\n"));
        Assert.Equal("", DocstringStripper.Strip("'a bare string target'"));
        Assert.Equal("x = 'kept'", DocstringStripper.Strip("x = 'kept'"));
        Assert.Equal("foo(1, [2", DocstringStripper.Strip("foo(1, [2")); // tokenize fails at EOF: the text is scored unchanged
    }

    [Theory]
    [InlineData("assert foo(1, [2", "foo(1, [2, 3])")]
    [InlineData("'''never closed", "x == 1")]
    [InlineData("def (((( :: \t\u0000", "x")]
    [InlineData("ünïcödé == '🐍'", "ünïcödé == '🐍🐍'")]
    [InlineData("\n\n", "x = \"\"\"a\nb\"\"\"")]
    [InlineData("x = y = z = (", "if a:\n  pass\nelif b:\n  x = 1\nelse:\n  x = 2\nwhile x:\n  for i in x: x = i")]
    public void BrokenPythonScoresWithoutThrowing(string prediction, string reference)
    {
        var s = CodeBleu.Compute(prediction, reference);
        foreach (var part in new[] { s.Score, s.NgramMatch, s.WeightedNgramMatch, s.SyntaxMatch, s.DataflowMatch })
            Assert.InRange(part, 0, 1);
    }

    [Fact]
    public void DeeplyNestedLoopsFinish()
    {
        // test_finite_processing_time_in_bug_testcase: every loop body is walked twice, so twelve nested loops are 4096 walks.
        var generated = "def foo(n):\n" + string.Concat(Enumerable.Range(0, 12).Select(i => new string(' ', 4 * (i + 1)) + $"for v{i} in range(n):\n"))
            + new string(' ', 52) + "pass";
        var s = CodeBleu.Compute(generated, "def foo(n):\n    pass");
        Assert.InRange(s.Score, 0, 1);
    }

    [Fact]
    public void MissingGrammarIsReportedWithTheFix()
    {
        Assert.True(TreeSitterLibrary.IsAvailable, "tree-sitter-python is not installed: run scripts/install.sh");
        var e = new TreeSitterUnavailableException("x");
        Assert.StartsWith("CodeBLEU needs tree-sitter", e.Message);
    }

    /// <summary>A doctest's "0.5045..." (ELLIPSIS): the printed digits start with the expected ones.</summary>
    private static void AssertDoctest(string expectedPrefix, double actual) =>
        Assert.StartsWith(expectedPrefix, actual.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    private static void AssertClose(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected) + 1e-12, $"expected {expected} ± {relative:P0}, got {actual}");
}
