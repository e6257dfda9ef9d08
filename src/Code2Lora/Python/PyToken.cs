namespace Code2Lora.Python;

/// <summary>Token kinds of CPython's <c>tokenize</c> module (every operator is <see cref="Op"/>; no ENCODING token).</summary>
public enum PyTokenType { EndMarker, Name, Number, String, Newline, Indent, Dedent, Op, Comment, NL, ErrorToken }

/// <summary>One token with CPython tokenize coordinates: 1-based lines, 0-based code-point columns.</summary>
public readonly record struct PyToken(PyTokenType Type, string Text, int StartLine, int StartCol, int EndLine, int EndCol);

/// <summary>Python source that cannot be tokenized or split into statements.</summary>
public sealed class PySyntaxError : Exception
{
    /// <summary>Creates the error at a 1-based line and 0-based column.</summary>
    public PySyntaxError(string message, int line, int column) : base($"{message} (line {line}, column {column})")
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>0-based column of the problem.</summary>
    public int Column { get; }
}
