using System.Globalization;
using System.Text;

namespace Code2Lora.Models.Tokenization;

/// <summary>Splits text into the pieces BPE merges within (a merge never crosses a piece boundary), as a regex Split with Isolated behaviour does.</summary>
public abstract class PreTokenizer
{
    /// <summary>Qwen2's pre-tokenizer regex (also used by Qwen2.5/Qwen3 and by <see cref="BpeTrainer"/>).</summary>
    public const string Qwen2Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>GPT-2's regex, the one ByteLevel(use_regex=true) applies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>The regex text this pre-tokenizer implements (written back to tokenizer.json).</summary>
    public abstract string Pattern { get; }

    /// <summary>Appends the pieces of <paramref name="text"/>[start, start+length) as (start, length) pairs in text order.</summary>
    public abstract void Split(string text, int start, int length, List<(int Start, int Length)> pieces);

    /// <summary>The pre-tokenizer for a regex: hand-written scanners for the Qwen2 and GPT-2 patterns (exact on astral characters, fast),
    /// .NET Regex for any other (which sees a surrogate pair as two non-letters, unlike the Oniguruma regex Hugging Face uses).</summary>
    public static PreTokenizer ForPattern(string pattern) => pattern switch
    {
        Qwen2Pattern => new Qwen2PreTokenizer(),
        Gpt2Pattern => new Gpt2PreTokenizer(),
        _ => new RegexPreTokenizer(pattern),
    };

    /// <summary>Character classes the patterns use, on whole code points: \p{L}, \p{N}, \s (Unicode White_Space), anything else.</summary>
    internal enum CharClass : byte { Letter, Number, Space, Other }

    private static readonly CharClass[] AsciiClasses = Enumerable.Range(0, 128).Select(c => ClassOfRune(new Rune(c))).ToArray();

    /// <summary>The class of the code point at <paramref name="i"/> and its width in chars (2 for a surrogate pair).</summary>
    internal static CharClass ClassAt(string text, int i, int end, out int width)
    {
        var c = text[i];
        if (c < 128) { width = 1; return AsciiClasses[c]; }
        if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return ClassOfRune(new Rune(c, text[i + 1]));
        }
        width = 1;
        // A lone surrogate is not a scalar value; Hugging Face never sees one (Rust strings are valid UTF-8), so treat it as "other".
        return char.IsSurrogate(c) ? CharClass.Other : ClassOfRune(new Rune(c));
    }

    private static CharClass ClassOfRune(Rune r)
    {
        if (Rune.IsWhiteSpace(r)) return CharClass.Space;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    /// <summary>End of the run of code points of class <paramref name="cls"/> starting at <paramref name="i"/>.</summary>
    internal static int RunEnd(string text, int i, int end, CharClass cls)
    {
        while (i < end && ClassAt(text, i, end, out var w) == cls) i += w;
        return i;
    }

    /// <summary>Length of an English contraction suffix ('s 't 're 've 'm 'll 'd) at <paramref name="i"/>, 0 when there is none.</summary>
    internal static int ContractionLength(string text, int i, int end, bool ignoreCase)
    {
        if (text[i] != '\'' || i + 1 >= end) return 0;
        char Lower(char c) => ignoreCase ? (char)(c | 0x20) : c;
        var a = text[i + 1];
        if (ignoreCase && !char.IsAsciiLetter(a)) return 0;
        a = Lower(a);
        if (a is 's' or 't' or 'm' or 'd') return 2;
        if (i + 2 >= end) return 0;
        var b = text[i + 2];
        if (ignoreCase && !char.IsAsciiLetter(b)) return 0;
        b = Lower(b);
        return (a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 3 : 0;
    }

    /// <summary>Piece for a whitespace run at <paramref name="i"/> under the trailing alternatives both patterns share:
    /// \s+(?!\S) leaves the last space of a run to the next piece, \s+ takes a lone one.</summary>
    internal static int WhitespaceRunEnd(string text, int i, int end, int runEnd)
    {
        if (runEnd == end) return runEnd;
        return runEnd - i >= 2 ? runEnd - 1 : runEnd;   // no White_Space character is astral, so one char back is one code point back
    }
}
