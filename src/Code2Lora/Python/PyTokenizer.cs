namespace Code2Lora.Python;

/// <summary>
/// A hand-written port of CPython 3.11's <c>tokenize.generate_tokens</c>: same tokens, same positions, same quirks
/// (ERRORTOKEN for stray characters, NL vs NEWLINE, the implicit NEWLINE at EOF). One deliberate difference: a lone
/// carriage return ends a line, as it does for the compiler.
/// </summary>
public static class PyTokenizer
{
    private const int TabSize = 8;

    /// <summary>Tokenizes a whole module; throws <see cref="PySyntaxError"/> where tokenize raises TokenError or IndentationError.</summary>
    public static IReadOnlyList<PyToken> Tokenize(string source) => new Scanner(source).Run();

    /// <summary><see cref="Tokenize"/> into a list the caller owns (and may filter in place).</summary>
    internal static List<PyToken> TokenizeToList(string source) => new Scanner(source).Run();

    private sealed class Scanner
    {
        private readonly string _s;
        private readonly List<int> _lineStarts = new();
        private readonly List<PyToken> _tokens;
        private readonly bool _hasSurrogates; // columns count code points, so only then do they differ from UTF-16 offsets
        // Short token texts repeat (names, operators, indentation): one string per distinct text and file, not per token.
        private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _textLookup;
        private const int SharedTextMaxLength = 32;

        public Scanner(string source)
        {
            _s = source.Length > 0 && source[0] == '\uFEFF' ? source[1..] : source;
            _tokens = new List<PyToken>(_s.Length / 4 + 16);
            _textLookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();
            _lineStarts.Add(0);
            _hasSurrogates = _s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
            for (int i = 0; i < _s.Length; i++)
            {
                if (_s[i] == '\n' || (_s[i] == '\r' && (i + 1 >= _s.Length || _s[i + 1] != '\n')))
                {
                    if (i + 1 < _s.Length) _lineStarts.Add(i + 1);
                }
            }
            if (_s.Length == 0) _lineStarts.Clear();
        }

        private int LineCount => _lineStarts.Count;
        private int LineStart(int lnum) => _lineStarts[lnum - 1];
        private int LineEnd(int lnum) => lnum < _lineStarts.Count ? _lineStarts[lnum] : _s.Length;

        /// <summary>Code-point column of <paramref name="index"/> on the line starting at <paramref name="lineStart"/>.</summary>
        private int Col(int lineStart, int index)
        {
            int col = index - lineStart;
            if (!_hasSurrogates) return col;
            for (int i = lineStart; i < index; i++)
            {
                if (char.IsHighSurrogate(_s[i]) && i + 1 < index && char.IsLowSurrogate(_s[i + 1])) col--;
            }
            return col;
        }

        private void Add(PyTokenType type, int start, int end, int startLine, int startLineStart, int endLine, int endLineStart) =>
            _tokens.Add(new PyToken(type, Text(start, end), startLine, Col(startLineStart, start), endLine, Col(endLineStart, end)));

        private string Text(int start, int end)
        {
            if (end - start > SharedTextMaxLength) return _s.Substring(start, end - start);
            var span = _s.AsSpan(start, end - start);
            if (_textLookup.TryGetValue(span, out var known)) return known;
            var text = span.ToString();
            _texts[text] = text;
            return text;
        }

        private void AddOnLine(PyTokenType type, int start, int end, int lnum, int ls) => Add(type, start, end, lnum, ls, lnum, ls);

        private bool EndsWithBackslashNewline(int ls, int le)
        {
            if (le - ls >= 2 && _s[le - 1] == '\n' && _s[le - 2] == '\\') return true;
            if (le - ls >= 3 && _s[le - 1] == '\n' && _s[le - 2] == '\r' && _s[le - 3] == '\\') return true;
            return le - ls >= 2 && _s[le - 1] == '\r' && _s[le - 2] == '\\';
        }

        private bool IsLineTerminatorAt(int i, int le) =>
            _s[i] == '\n' || (_s[i] == '\r' && (i + 1 == le || _s[i + 1] == '\n'));

        public List<PyToken> Run()
        {
            int lnum = 0, parenlev = 0;
            bool continued = false;
            var indents = new List<int> { 0 };
            int lastLs = -1, lastLe = -1; // the line read before the current one ("last_line")
            int ls = -1, le = -1;
            // Continued single-quoted string state (tokenize's contstr/needcont for ' and " strings).
            bool inContStr = false;
            char contQuote = '\0';
            int strStart = 0, strLine = 0, strLineStart = 0;

            while (true)
            {
                lastLs = ls; lastLe = le;
                lnum++;
                bool eof = lnum > LineCount;
                ls = eof ? _s.Length : LineStart(lnum);
                le = eof ? _s.Length : LineEnd(lnum);
                int pos = ls, max = le;

                if (inContStr)
                {
                    if (eof) throw new PySyntaxError("EOF in multi-line string", strLine, Col(strLineStart, strStart));
                    int end = SingleQuoteTail(ls, le, contQuote);
                    if (end >= 0)
                    {
                        Add(PyTokenType.String, strStart, end, strLine, strLineStart, lnum, ls);
                        pos = end;
                        inContStr = false;
                    }
                    else if (!EndsWithBackslashNewline(ls, le))
                    {
                        Add(PyTokenType.ErrorToken, strStart, le, strLine, strLineStart, lnum, ls);
                        inContStr = false;
                        continue;
                    }
                    else continue;
                }
                else if (parenlev == 0 && !continued)
                {
                    if (eof) break;
                    int column = 0;
                    while (pos < max)
                    {
                        char c = _s[pos];
                        if (c == ' ') column++;
                        else if (c == '\t') column = (column / TabSize + 1) * TabSize;
                        else if (c == '\f') column = 0;
                        else break;
                        pos++;
                    }
                    if (pos == max) break;

                    char first = _s[pos];
                    if (first is '#' or '\r' or '\n')
                    {
                        if (first == '#')
                        {
                            int ce = le;
                            while (ce > pos && _s[ce - 1] is '\r' or '\n') ce--;
                            AddOnLine(PyTokenType.Comment, pos, ce, lnum, ls);
                            pos = ce;
                        }
                        AddOnLine(PyTokenType.NL, pos, le, lnum, ls);
                        continue;
                    }

                    if (column > indents[^1])
                    {
                        indents.Add(column);
                        AddOnLine(PyTokenType.Indent, ls, pos, lnum, ls);
                    }
                    while (column < indents[^1])
                    {
                        if (!indents.Contains(column))
                            throw new PySyntaxError("unindent does not match any outer indentation level", lnum, Col(ls, pos));
                        indents.RemoveAt(indents.Count - 1);
                        AddOnLine(PyTokenType.Dedent, pos, pos, lnum, ls);
                    }
                }
                else
                {
                    if (eof) throw new PySyntaxError("EOF in multi-line statement", lnum, 0);
                    continued = false;
                }

                while (pos < max)
                {
                    int start = pos;
                    while (start < max && _s[start] is ' ' or '\f' or '\t') start++;
                    if (start == max)
                    {
                        if (max == _s.Length) { pos = max; continue; } // \Z: trailing whitespace at end of input
                        AddOnLine(PyTokenType.ErrorToken, pos, pos + 1, lnum, ls);
                        pos++;
                        continue;
                    }
                    char c = _s[start];

                    if (c == '\\' && start + 1 < max && IsLineTerminatorAt(start + 1, max) &&
                        (start + 2 == max || (_s[start + 1] == '\r' && start + 3 == max)))
                    {
                        continued = true;
                        pos = max;
                        continue;
                    }
                    if (c == '#')
                    {
                        int ce = start;
                        while (ce < max && _s[ce] is not ('\r' or '\n')) ce++;
                        AddOnLine(PyTokenType.Comment, start, ce, lnum, ls);
                        pos = ce;
                        continue;
                    }

                    int prefix = PyLexicon.StringPrefixLength(_s, start, max);
                    if (prefix >= 0)
                    {
                        int q = start + prefix;
                        char quote = _s[q];
                        if (q + 2 < max && _s[q + 1] == quote && _s[q + 2] == quote)
                        {
                            int end = TripleQuoteTail(q + 3, quote);
                            if (end < 0) throw new PySyntaxError("EOF in multi-line string", lnum, Col(ls, start));
                            if (end <= max)
                            {
                                AddOnLine(PyTokenType.String, start, end, lnum, ls);
                                pos = end;
                                continue;
                            }
                            int startLine = lnum, startLs = ls;
                            while (LineEnd(lnum) < end) { lastLs = ls; lastLe = le; lnum++; ls = LineStart(lnum); le = LineEnd(lnum); }
                            Add(PyTokenType.String, start, end, startLine, startLs, lnum, ls);
                            pos = end;
                            max = le;
                            continue;
                        }
                    }

                    if (char.IsAsciiDigit(c) || (c == '.' && start + 1 < max && char.IsAsciiDigit(_s[start + 1])))
                    {
                        int end = PyLexicon.NumberEnd(_s, start, max);
                        AddOnLine(PyTokenType.Number, start, end, lnum, ls);
                        pos = end;
                        continue;
                    }

                    if (IsLineTerminatorAt(start, max))
                    {
                        int end = _s[start] == '\r' && start + 1 < max ? start + 2 : start + 1;
                        AddOnLine(parenlev > 0 ? PyTokenType.NL : PyTokenType.Newline, start, end, lnum, ls);
                        pos = end;
                        continue;
                    }

                    int opLen = PyLexicon.OperatorLength(_s, start, max);
                    if (opLen > 0)
                    {
                        if (c is '(' or '[' or '{') parenlev++;
                        else if (c is ')' or ']' or '}') parenlev--;
                        AddOnLine(PyTokenType.Op, start, start + opLen, lnum, ls);
                        pos = start + opLen;
                        continue;
                    }

                    if (prefix >= 0)
                    {
                        int q = start + prefix;
                        var (end, continues) = SingleQuoteHead(q + 1, max, _s[q]);
                        if (end >= 0)
                        {
                            if (continues)
                            {
                                inContStr = true;
                                contQuote = _s[q];
                                strStart = start; strLine = lnum; strLineStart = ls;
                                pos = max;
                                break;
                            }
                            AddOnLine(PyTokenType.String, start, end, lnum, ls);
                            pos = end;
                            continue;
                        }
                    }

                    if (PyLexicon.IsWordChar(_s, start))
                    {
                        int end = start + PyLexicon.CharWidth(_s, start);
                        while (end < max && PyLexicon.IsWordChar(_s, end)) end += PyLexicon.CharWidth(_s, end);
                        AddOnLine(PyLexicon.IsIdentifierStart(_s, start) ? PyTokenType.Name : PyTokenType.Op, start, end, lnum, ls);
                        pos = end;
                        continue;
                    }

                    int w = PyLexicon.CharWidth(_s, pos);
                    AddOnLine(PyTokenType.ErrorToken, pos, pos + w, lnum, ls);
                    pos += w;
                }
            }

            if (lastLe > lastLs && lastLs >= 0 && _s[lastLe - 1] is not ('\r' or '\n') &&
                !_s.AsSpan(lastLs, lastLe - lastLs).Trim().StartsWith("#"))
            {
                int col = Col(lastLs, lastLe);
                _tokens.Add(new PyToken(PyTokenType.Newline, "", lnum - 1, col, lnum - 1, col + 1));
            }
            for (int i = 1; i < indents.Count; i++) _tokens.Add(new PyToken(PyTokenType.Dedent, "", lnum, 0, lnum, 0));
            _tokens.Add(new PyToken(PyTokenType.EndMarker, "", lnum, 0, lnum, 0));
            return _tokens;
        }

        /// <summary>End (exclusive) of a triple-quoted string whose body starts at <paramref name="i"/>, or -1 at EOF.</summary>
        private int TripleQuoteTail(int i, char quote)
        {
            int n = _s.Length;
            while (i < n)
            {
                char c = _s[i];
                if (c == '\\') i += i + 1 < n && _s[i + 1] != '\n' ? 2 : 1;
                else if (c == quote && i + 2 < n && _s[i + 1] == quote && _s[i + 2] == quote) return i + 3;
                else i++;
            }
            return -1;
        }

        /// <summary>tokenize's ContStr body: the closing quote (end, false), a backslash-newline (line end, true), or (-1, false).</summary>
        private (int End, bool Continues) SingleQuoteHead(int i, int max, char quote)
        {
            while (i < max)
            {
                char c = _s[i];
                if (c == quote) return (i + 1, false);
                if (c == '\n') return (-1, false);
                if (c == '\\')
                {
                    if (i + 1 < max && IsLineTerminatorAt(i + 1, max) &&
                        (i + 2 == max || (_s[i + 1] == '\r' && i + 3 == max))) return (max, true);
                    if (i + 1 >= max) return (-1, false);
                    i += 2;
                    continue;
                }
                i++;
            }
            return (-1, false);
        }

        /// <summary>The Single/Double end pattern applied to a continuation line: end of the string on this line, or -1.</summary>
        private int SingleQuoteTail(int i, int max, char quote)
        {
            while (i < max)
            {
                char c = _s[i];
                if (c == quote) return i + 1;
                if (c == '\\')
                {
                    if (i + 1 >= max || _s[i + 1] == '\n') return -1;
                    i += 2;
                    continue;
                }
                i++;
            }
            return -1;
        }
    }
}
