namespace Code2Lora.Mining;

/// <summary>Path and content rules that decide which files are tests and which are never read (paper-notes §3.2).</summary>
public static class FileRules
{
    /// <summary>True if the path alone marks a test file under <paramref name="rule"/>.</summary>
    /// <remarks>
    /// Paper: the file name matches <c>test_*.py</c> or <c>*_test.py</c> (case-sensitive, as pytest's discovery is), or a
    /// directory component is <c>tests</c> or <c>test</c> (case-insensitive, so <c>Tests/</c> counts).
    /// Code: any component, file name included, contains "test" case-insensitively; like the authors' rule this also
    /// catches names such as <c>latest.py</c> or <c>attestation/</c>.
    /// </remarks>
    public static bool IsTestPath(string path, TestFileRule rule)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return false;
        if (rule == TestFileRule.Code)
            return parts.Any(p => p.Contains("test", StringComparison.OrdinalIgnoreCase));

        var name = parts[^1];
        if (name.EndsWith(".py", StringComparison.Ordinal) &&
            (name.StartsWith("test_", StringComparison.Ordinal) || name.EndsWith("_test.py", StringComparison.Ordinal)))
            return true;
        for (var i = 0; i < parts.Length - 1; i++)
            if (parts[i].Equals("tests", StringComparison.OrdinalIgnoreCase) || parts[i].Equals("test", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>True if the file is a test under <paramref name="rule"/>, judging by its path and, for the Code rule, its content.</summary>
    /// <remarks>
    /// The Code rule's content check mirrors <c>contains_test_content</c> and, like it, applies to <c>.py</c> files only:
    /// the lower-cased text contains <c>import pytest</c>, <c>from pytest</c>, <c>pytest.</c>, <c>import unittest</c>,
    /// <c>from unittest</c> or <c>unittest.</c> (exactly the authors' substring test); or a line defines a <c>test_*</c>
    /// function or a class whose name contains "test". The authors find the last two with <c>ast.walk</c>; here a
    /// line scan stands in for it, which differs only for such lines inside multi-line strings (counted here, not by
    /// the AST) and for files that fail to parse (the AST route says "not a test", the line scan still looks).
    /// </remarks>
    public static bool IsTestFile(string path, string text, TestFileRule rule)
    {
        if (IsTestPath(path, rule)) return true;
        if (rule != TestFileRule.Code || !path.EndsWith(".py", StringComparison.OrdinalIgnoreCase)) return false;
        return HasTestContent(text);
    }

    /// <summary>True if a directory component of <paramref name="path"/> is one of <see cref="MiningRules.SkipDirectories"/>.</summary>
    public static bool InSkippedDirectory(string path, MiningRules rules)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length - 1; i++)
            if (IsSkippedDirectoryName(parts[i], rules)) return true;
        return false;
    }

    /// <summary>True if a directory of this name is never read.</summary>
    public static bool IsSkippedDirectoryName(string name, MiningRules rules)
    {
        foreach (var skip in rules.SkipDirectories)
            if (string.Equals(skip, name, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>True if the path is repository context for diffs and embeddings: a production extension, not a test, not skipped.</summary>
    public static bool IsProductionPath(string path, MiningRules rules)
    {
        var ext = System.IO.Path.GetExtension(path);
        if (!rules.ProductionExtensions.Any(e => string.Equals(e, ext, StringComparison.OrdinalIgnoreCase))) return false;
        return !InSkippedDirectory(path, rules) && !IsTestPath(path, rules.TestRule);
    }

    private static readonly string[] TestImportMarkers =
        ["import pytest", "from pytest", "pytest.", "import unittest", "from unittest", "unittest."];

    private static bool HasTestContent(string text)
    {
        foreach (var marker in TestImportMarkers)
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.TrimStart();
            if (line.StartsWith("async ")) line = line[6..].TrimStart();
            if (line.StartsWith("def ") && line[4..].TrimStart().StartsWith("test_", StringComparison.Ordinal)) return true;
            if (line.StartsWith("class ") && ClassNameHasTest(line[6..].TrimStart())) return true;
        }
        return false;
    }

    private static bool ClassNameHasTest(ReadOnlySpan<char> afterClass)
    {
        var end = 0;
        while (end < afterClass.Length && (char.IsLetterOrDigit(afterClass[end]) || afterClass[end] == '_')) end++;
        return afterClass[..end].Contains("test", StringComparison.OrdinalIgnoreCase);
    }
}
