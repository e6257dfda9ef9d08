namespace Code2Lora.Evaluation;

/// <summary>The keyword list the codebleu package ships for Python (codebleu/keywords/python.txt, v0.7.1): tokens the
/// weighted n-gram match counts with weight 1 instead of 0.2.</summary>
internal static class PythonKeywords
{
    /// <summary>The list in the package's order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield", "match", "case", "type",
    ];

    /// <summary>The same words as a set, built once.</summary>
    public static readonly HashSet<string> Set = new(All, StringComparer.Ordinal);
}
