using System.Text;

namespace Code2Lora.Python;

/// <summary>A module's lines, addressed the way tokens are (1-based line, code-point column), plus target flattening.</summary>
internal sealed class PySourceText
{
    private readonly List<int> _starts = new();
    private readonly bool _hasSurrogates;

    public PySourceText(string source)
    {
        Text = WithoutBom(source);
        _hasSurrogates = Text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
        _starts.Add(0);
        for (int i = 0; i < Text.Length; i++)
        {
            if ((Text[i] == '\n' || (Text[i] == '\r' && (i + 1 >= Text.Length || Text[i + 1] != '\n'))) && i + 1 < Text.Length)
                _starts.Add(i + 1);
        }
    }

    /// <summary>The text the tokenizer reads: <paramref name="source"/> without one leading byte-order mark.</summary>
    public static string WithoutBom(string source) => source.Length > 0 && source[0] == '\uFEFF' ? source[1..] : source;

    /// <summary>The source without a byte-order mark.</summary>
    public string Text { get; }

    /// <summary>Number of physical lines.</summary>
    public int LineCount => _starts.Count;

    /// <summary>Offset of the first character of a 1-based line (the text length past the last line).</summary>
    public int LineStart(int line) => line <= _starts.Count ? _starts[line - 1] : Text.Length;

    /// <summary>A line's text without its terminator ("" past the end).</summary>
    public string Line(int line)
    {
        if (line > _starts.Count) return "";
        int start = _starts[line - 1], end = line < _starts.Count ? _starts[line] : Text.Length;
        while (end > start && Text[end - 1] is '\r' or '\n') end--;
        return Text[start..end];
    }

    /// <summary>Character offset of a token coordinate.</summary>
    public int Offset(int line, int col)
    {
        int start = LineStart(line);
        if (!_hasSurrogates) return start + col;
        int i = start;
        for (int c = 0; c < col && i < Text.Length; c++) i += PyLexicon.CharWidth(Text, i);
        return i;
    }

    /// <summary>Source between two token coordinates, with every line break and the indentation around it collapsed to one space.</summary>
    public string Flattened(int startLine, int startCol, int endLine, int endCol)
    {
        string raw = Text[Offset(startLine, startCol)..Offset(endLine, endCol)];
        if (raw.IndexOfAny(['\n', '\r']) < 0) return raw;
        var sb = new StringBuilder(raw.Length);
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] is '\n' or '\r')
            {
                while (sb.Length > 0 && sb[^1] is ' ' or '\t' or '\f') sb.Length--;
                while (i < raw.Length && raw[i] is '\n' or '\r' or ' ' or '\t' or '\f') i++;
                sb.Append(' ');
                continue;
            }
            sb.Append(raw[i++]);
        }
        return sb.ToString();
    }

    /// <summary>UTF-8 byte length of a line's text before a code-point column (ast's col_offset).</summary>
    public int Utf8Column(int line, int col)
    {
        int start = LineStart(line);
        return Encoding.UTF8.GetByteCount(Text.AsSpan(start, Offset(line, col) - start));
    }

    /// <summary>Leading whitespace of a line.</summary>
    public string Indent(int line)
    {
        string text = Line(line);
        int n = 0;
        while (n < text.Length && text[n] is ' ' or '\t' or '\f') n++;
        return text[..n];
    }
}
