using System.Diagnostics;
using System.Text.Json;
using Code2Lora.Evaluation;
using Code2Lora.Runtime;

namespace Code2Lora.Tests.Evaluation;

/// <summary>Metrics pinned by known answers and by CPython's own difflib (paper-notes §1.8).</summary>
public class MetricsTests
{
    [Theory]
    [InlineData("<|fim_middle|>42)\nassert x == 1", "42)", "42)")]                  // FIM token, first line
    [InlineData("foo(1, 2)  # the answer", "foo(1, 2)", "foo(1, 2)")]                // comment stripped
    [InlineData("'a', 'b'", "'a'", "'a'")]                                           // target has no comma: cut at the first
    [InlineData("x y z", "x", "x")]                                                  // one-word target: first word
    [InlineData("  ValueError, match='bad')", "ValueError, match='x')", "ValueError, match='bad')")]
    [InlineData("[1, 2]\n[3]", "[1,\n 2]", "[1, 2]\n[3]")]                            // multi-line target keeps lines
    [InlineData("", "3", "")]
    [InlineData("a # b, c", "# only a comment", "a")]                                // empty reference: no cutting rules
    public void PostProcessCutsOvergenerationToTheTargetsShape(string raw, string target, string expected) =>
        Assert.Equal(expected, Metrics.PostProcess(raw, target));

    [Theory]
    [InlineData("[1, 2 ,3]:", "[1,2,3]")]
    [InlineData("  x  ==   1 ,\t", "x == 1")]
    [InlineData("\u001cabc\u001f", "abc")]                                            // Python counts \x1c-\x1f as whitespace
    public void NormalizeForMatchFoldsSpacingAndTrailingPunctuation(string s, string expected) =>
        Assert.Equal(expected, Metrics.NormalizeForMatch(s));

    [Fact]
    public void ScoreUsesTheCleanedStrings()
    {
        var s = Metrics.Score("expected[0])  # yes\nmore", "expected[0])");
        Assert.True(s.ExactMatch);
        Assert.Equal(1.0, s.EditSimilarity);
        Assert.False(Metrics.Score("expected[1])", "expected[0])").ExactMatch);
        Assert.Equal(1.0, Metrics.EditSimilarity("", ""));
    }

    private static IEnumerable<(string, string)> Pairs()
    {
        var rng = new SeededRandom(11);
        string[] alphabets = ["ab", "abc ", "xyz_0123()[],.'\"", "é漢字😀a", "assert self.x == "];
        for (int n = 0; n < 300; n++)
        {
            var alpha = alphabets[n % alphabets.Length];
            var runes = alpha.EnumerateRunes().Select(r => r.ToString()).ToArray();
            int la = n % 7 == 0 ? 200 + rng.Next(300) : rng.Next(40), lb = n % 5 == 0 ? 200 + rng.Next(300) : rng.Next(40);
            var a = string.Concat(Enumerable.Range(0, la).Select(_ => runes[rng.Next(runes.Length)]));
            var b = n % 3 == 0 ? a[..(a.Length / 2)] + string.Concat(Enumerable.Range(0, lb).Select(_ => runes[rng.Next(runes.Length)]))
                               : string.Concat(Enumerable.Range(0, lb).Select(_ => runes[rng.Next(runes.Length)]));
            if (char.IsHighSurrogate(b.Length > 0 ? b[^1] : 'x')) b = b[..^1];
            yield return (a, b);
        }
        yield return ("", "");
        yield return ("abc", "");
        yield return (new string('a', 250) + "b", "b" + new string('a', 250)); // popular elements under autojunk
    }

    [Fact]
    public void EditSimilarityEqualsCPythonDifflibBitForBit()
    {
        var pairs = Pairs().ToList();
        var input = string.Join("\n", pairs.Select(p => JsonSerializer.Serialize(new[] { p.Item1, p.Item2 })));
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        const string script = "import sys, json, difflib\nfor line in sys.stdin:\n    a, b = json.loads(line)\n    print(repr(difflib.SequenceMatcher(None, a, b).ratio()))\n";
        var psi = new ProcessStartInfo(python, ["-c", script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(input + "\n");
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        Assert.Equal(pairs.Count, output.Length);
        for (int i = 0; i < pairs.Count; i++)
        {
            double expected = double.Parse(output[i], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(expected == Metrics.EditSimilarity(pairs[i].Item1, pairs[i].Item2),
                $"pair {i}: difflib {expected} vs ours {Metrics.EditSimilarity(pairs[i].Item1, pairs[i].Item2)} for ({pairs[i].Item1.Length}, {pairs[i].Item2.Length} chars)");
        }
    }
}
