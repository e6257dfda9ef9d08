using System.Globalization;
using System.Text;

namespace Code2Lora.Python;

/// <summary>Character classes and sub-scanners that mirror the regular expressions of CPython 3.11's tokenize.py.</summary>
internal static class PyLexicon
{
    /// <summary>Python's <c>\w</c>: letters, any numeric character, or underscore (combining marks are not word characters).</summary>
    public static bool IsWordChar(string s, int i)
    {
        char c = s[i];
        if (c < 128) return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        var category = Rune.TryGetRuneAt(s, i, out var rune) ? Rune.GetUnicodeCategory(rune) : UnicodeCategory.Surrogate;
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    /// <summary>Width in UTF-16 units of the character at <paramref name="i"/> (2 for a surrogate pair).</summary>
    public static int CharWidth(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;

    /// <summary><c>str.isidentifier()</c> of the single character at <paramref name="i"/>.</summary>
    public static bool IsIdentifierStart(string s, int i)
    {
        char c = s[i];
        if (c < 128) return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!Rune.TryGetRuneAt(s, i, out var rune)) return false;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.LetterNumber;
    }

    /// <summary>Length of the longest exact operator token at <paramref name="i"/>, or 0.</summary>
    public static int OperatorLength(string s, int i, int end)
    {
        char c = s[i];
        char n1 = i + 1 < end ? s[i + 1] : '\0';
        char n2 = i + 2 < end ? s[i + 2] : '\0';
        switch (c)
        {
            case '(' or ')' or '[' or ']' or '{' or '}' or ',' or ';' or '~':
                return 1;
            case '.':
                return n1 == '.' && n2 == '.' ? 3 : 1;
            case '*' or '/' or '<' or '>':
                if (n1 == c) return n2 == '=' ? 3 : 2;
                if (n1 == '=') return 2;
                if (c == '<' && n1 == '>') return 1; // '<>' is not an operator in Python 3
                return 1;
            case '-':
                return n1 is '=' or '>' ? 2 : 1;
            case ':':
                return n1 == '=' ? 2 : 1;
            case '+' or '%' or '&' or '|' or '^' or '@' or '=':
                return n1 == '=' ? 2 : 1;
            case '!':
                return n1 == '=' ? 2 : 0;
            default:
                return 0;
        }
    }

    /// <summary>Length of a string prefix (r, b, u, f, br, rb, fr, rf in any case) directly followed by a quote at <paramref name="i"/>, or -1.</summary>
    public static int StringPrefixLength(string s, int i, int end)
    {
        int n = 0;
        while (n < 2 && i + n < end && char.ToLowerInvariant(s[i + n]) is 'r' or 'b' or 'u' or 'f') n++;
        for (int len = n; len >= 0; len--)
        {
            if (i + len < end && s[i + len] is '\'' or '"' && IsValidPrefix(s, i, len)) return len;
        }
        return -1;
    }

    private static bool IsValidPrefix(string s, int i, int len)
    {
        if (len == 0) return true;
        char a = char.ToLowerInvariant(s[i]);
        if (len == 1) return a is 'r' or 'b' or 'u' or 'f';
        char b = char.ToLowerInvariant(s[i + 1]);
        return (a, b) is ('b', 'r') or ('r', 'b') or ('f', 'r') or ('r', 'f');
    }

    /// <summary>End of CPython's Number pattern (Imagnumber | Floatnumber | Intnumber, first alternative wins) at <paramref name="i"/>, or -1.</summary>
    public static int NumberEnd(string s, int i, int end)
    {
        int e = DigitPart(s, i, end);
        if (e >= 0 && e < end && s[e] is 'j' or 'J') return e + 1;
        e = PointFloat(s, i, end);
        if (e >= 0 && e < end && s[e] is 'j' or 'J') return e + 1;
        int x = ExpFloat(s, i, end);
        if (x >= 0 && x < end && s[x] is 'j' or 'J') return x + 1;
        if (e >= 0) return e;
        if (x >= 0) return x;
        return IntNumber(s, i, end);
    }

    private static int DigitPart(string s, int i, int end)
    {
        if (i >= end || !char.IsAsciiDigit(s[i])) return -1;
        i++;
        while (i < end)
        {
            if (char.IsAsciiDigit(s[i])) i++;
            else if (s[i] == '_' && i + 1 < end && char.IsAsciiDigit(s[i + 1])) i += 2;
            else break;
        }
        return i;
    }

    private static int Exponent(string s, int i, int end)
    {
        if (i >= end || s[i] is not ('e' or 'E')) return -1;
        i++;
        if (i < end && s[i] is '+' or '-') i++;
        return DigitPart(s, i, end);
    }

    private static int PointFloat(string s, int i, int end)
    {
        int e;
        int d = DigitPart(s, i, end);
        if (d >= 0 && d < end && s[d] == '.')
        {
            e = d + 1;
            int f = DigitPart(s, e, end);
            if (f >= 0) e = f;
        }
        else if (i < end && s[i] == '.' && DigitPart(s, i + 1, end) is var g && g >= 0) e = g;
        else return -1;
        int x = Exponent(s, e, end);
        return x >= 0 ? x : e;
    }

    private static int ExpFloat(string s, int i, int end)
    {
        int d = DigitPart(s, i, end);
        return d < 0 ? -1 : Exponent(s, d, end);
    }

    private static int IntNumber(string s, int i, int end)
    {
        if (i >= end || !char.IsAsciiDigit(s[i])) return -1;
        if (s[i] == '0' && i + 1 < end)
        {
            Func<char, bool>? digit = s[i + 1] switch
            {
                'x' or 'X' => char.IsAsciiHexDigit,
                'b' or 'B' => c => c is '0' or '1',
                'o' or 'O' => c => c is >= '0' and <= '7',
                _ => null,
            };
            if (digit != null)
            {
                int j = i + 2, last = -1;
                while (j < end)
                {
                    if (digit(s[j])) { j++; last = j; }
                    else if (s[j] == '_' && j + 1 < end && digit(s[j + 1])) { j += 2; last = j; }
                    else break;
                }
                if (last >= 0) return last;
            }
        }
        if (s[i] == '0')
        {
            int j = i + 1;
            while (j < end)
            {
                if (s[j] == '0') j++;
                else if (s[j] == '_' && j + 1 < end && s[j + 1] == '0') j += 2;
                else break;
            }
            return j;
        }
        return DigitPart(s, i, end);
    }
}
