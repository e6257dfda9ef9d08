using Code2Lora.Models.Tokenization;

namespace Code2Lora.Tests.Models.Tokenization;

/// <summary>Training text and awkward probe strings shared by the tokenizer tests, and small tokenizers trained once per test run.</summary>
internal static class TokenizerFixtures
{
    // Real Python from the interpreter's standard library when present (python3 is a suite dependency), else the embedded sample alone.
    private static readonly string[] StdlibFiles = ["textwrap.py", "shlex.py", "string.py", "fnmatch.py", "heapq.py"];

    public const string EmbeddedPython = """
        import os
        from typing import Optional


        class Calendar(object):
            \"\"\"A calendar of holidays.

            Résumé: naïve café — 中文 ✓
            \"\"\"

            def __init__(self, year: int = 2024, name: Optional[str] = None) -> None:
                self.year = year
                self.name = name or "default"
                self._cache = {}

            def holidays(self, year=None):
                if year is None:
                    year = self.year
                if year not in self._cache:
                    self._cache[year] = sorted(self.get_calendar_holidays(year))
                return self._cache[year]

            def is_working_day(self, day, extra_holidays=None):
                # Weekends are never working days.
                if day.weekday() in (5, 6):
                    return False
                return day not in [d for d, _ in self.holidays(day.year)]


        def test_holidays():
            cal = Calendar(2024)
            assert cal.year == 2024
            assert cal.name == 'default'
            assert len(cal.holidays()) >= 0, "should not fail"
        """;

    /// <summary>Strings where tokenizers usually disagree: indentation, tabs, CRLF, docstrings, non-ASCII, special tokens, edges.</summary>
    public static readonly string[] Probes =
    [
        "",
        " ",
        "x",
        "def f(x):\n    return x + 1\n",
        "class A:\n\tdef m(self):\n\t\treturn 'tab'\n",
        "line one\r\nline two\r\n\r\n    indented\r\n",
        "\"\"\"Docstring.\n\n    Args:\n        x: the value.\n    \"\"\"\n",
        "café naïve résumé é",
        "中文字符 and 日本語のテキスト",
        "emoji 😀 in text, 😀x, x😀, 👍🏽 and 🇫🇷!",
        "𝑥 = 𝑦 + 1  # mathematical letters outside the BMP",
        "before<|endoftext|>after",
        "<|endoftext|><|endoftext|>",
        "a <|endoftext|> b <|endoftext",
        "trailing spaces   ",
        "trailing newlines\n\n\n",
        "   \n  \n\t \n",
        "x  =  1\n\n\n    \n        y = 2",
        "I'm he'S we'LL they'Re it'd I'VE",
        "numbers 1234567 3.14159 0x1F 1_000_000",
        "    assert self.assertEqual(foo(a=1, b=[2, 3]), {'k': (4, 5)})\n",
        "ünïcödé\u00A0nbsp\u2003emspace\u3000ideographic",
        "e\u0301 combining accent and Å vs A\u030A",
        "mixed\r\rcarriage\n\rreturns",
        "@decorator\nasync def g(*args, **kwargs) -> dict[str, int]:\n    await h()\n",
    ];

    /// <summary>Training texts: the embedded sample plus a few stdlib modules.</summary>
    public static IReadOnlyList<string> Corpus { get; } = BuildCorpus();

    private static IReadOnlyList<string> BuildCorpus()
    {
        var texts = new List<string> { EmbeddedPython, EmbeddedPython.Replace("\n", "\r\n") };
        // "python3.*" would also match /usr/lib/python3 (the dist-packages tree), hence the explicit version check.
        var stdlib = Directory.Exists("/usr/lib")
            ? Directory.GetDirectories("/usr/lib", "python3.*").Where(d => Path.GetFileName(d).Length > "python3.".Length).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (stdlib is not null)
            foreach (var name in StdlibFiles)
            {
                var path = Path.Combine(stdlib, name);
                if (File.Exists(path)) texts.Add(File.ReadAllText(path));
            }
        return texts;
    }

    private static readonly Lazy<ByteLevelBpeTokenizer> Qwen2Small = new(() => Train(600, PreTokenizer.Qwen2Pattern));

    /// <summary>A 600-id tokenizer trained on <see cref="Corpus"/> with the Qwen2 pattern.</summary>
    public static ByteLevelBpeTokenizer Small => Qwen2Small.Value;

    /// <summary>Trains on <see cref="Corpus"/>.</summary>
    public static ByteLevelBpeTokenizer Train(int vocabSize, string pattern) =>
        BpeTrainer.Train(Corpus, new BpeTrainerSettings { VocabSize = vocabSize, PreTokenizerPattern = pattern });

    /// <summary>Every probe, plus every corpus text cut into ~2,000-char chunks.</summary>
    public static IEnumerable<string> ProbesAndCorpus()
    {
        foreach (var p in Probes) yield return p;
        foreach (var text in Corpus)
            for (var i = 0; i < text.Length; i += 2000) yield return text.Substring(i, Math.Min(2000, text.Length - i));
    }
}
