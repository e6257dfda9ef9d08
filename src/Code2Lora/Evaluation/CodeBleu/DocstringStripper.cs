using System.Text;
using Code2Lora.Python;

namespace Code2Lora.Evaluation;

/// <summary>The codebleu package's remove_comments_and_docstrings for Python, on the project's port of CPython's tokenize:
/// comments go, and so does every string token that starts a logical line or sits at column 0 (its docstring test, which
/// also drops a target that is a bare string literal). Blank lines are removed.</summary>
internal static class DocstringStripper
{
    /// <summary>The source without comments and docstrings, or the source unchanged when tokenize fails (the package
    /// swallows that error and scores the original text).</summary>
    public static string Strip(string source)
    {
        IReadOnlyList<PyToken> tokens;
        try { tokens = PyTokenizer.Tokenize(source); }
        catch (PySyntaxError) { return source; }

        var output = new StringBuilder(source.Length);
        var previous = PyTokenType.Indent;
        int lastLine = -1, lastColumn = 0;
        foreach (var token in tokens)
        {
            if (token.StartLine > lastLine) lastColumn = 0;
            if (token.StartCol > lastColumn) output.Append(' ', token.StartCol - lastColumn);
            switch (token.Type)
            {
                case PyTokenType.Comment:
                    break;
                case PyTokenType.String:
                    if (previous != PyTokenType.Indent && previous != PyTokenType.Newline && token.StartCol > 0) output.Append(token.Text);
                    break;
                default:
                    output.Append(token.Text);
                    break;
            }
            previous = token.Type;
            lastColumn = token.EndCol;
            lastLine = token.EndLine;
        }
        return string.Join('\n', output.ToString().Split('\n').Where(line => PyText.Strip(line).Length > 0));
    }
}
