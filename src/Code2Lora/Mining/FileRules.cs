namespace Code2Lora.Mining;

/// <summary>Classifies repository paths: test or not, skipped directory or not.</summary>
public static class FileRules
{
    /// <summary>Whether a repo-relative path is a test file by its path alone under <paramref name="rule"/>.</summary>
    public static bool IsTestPath(string path, TestFileRule rule)
    {
        var parts = path.Split('/');
        var name = parts[^1];
        if (rule == TestFileRule.Code)
            return parts.Any(p => p.Contains("test", StringComparison.OrdinalIgnoreCase));
        if (!name.EndsWith(".py", StringComparison.Ordinal)) return false;
        if (name.StartsWith("test_", StringComparison.Ordinal) || name.EndsWith("_test.py", StringComparison.Ordinal)) return true;
        return parts.Take(parts.Length - 1).Any(p => p is "tests" or "test");
    }

    /// <summary>Whether a Python file is a test file, looking at its content too where the rule says so.</summary>
    public static bool IsTestFile(string path, string text, TestFileRule rule)
    {
        if (IsTestPath(path, rule)) return true;
        return rule == TestFileRule.Code && path.EndsWith(".py", StringComparison.Ordinal) && LooksLikeTests(text);
    }

    /// <summary>
    /// The authors' content rule, approximated line by line (no parse): imports or uses pytest/unittest, defines a
    /// top-level or method <c>test_*</c> function, or a class whose name contains "test".
    /// </summary>
    internal static bool LooksLikeTests(string text)
    {
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.TrimStart();
            if (line.StartsWith("import pytest") || line.StartsWith("from pytest") || line.StartsWith("import unittest") || line.StartsWith("from unittest")
                || line.StartsWith("def test_") || line.StartsWith("async def test_") || line.StartsWith("@pytest."))
                return true;
            if (line.StartsWith("class "))
            {
                var rest = line[6..];
                int end = rest.IndexOfAny('(', ':');
                if ((end < 0 ? rest : rest[..end]).Contains("test", StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    /// <summary>Whether a path lies under one of the rules' skipped directories.</summary>
    public static bool InSkippedDirectory(string path, MiningRules rules)
    {
        var parts = path.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
            foreach (var d in rules.SkipDirectories)
                if (string.Equals(parts[i], d, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Whether a path belongs in a production-code diff: a non-test file with a kept extension outside skipped directories.</summary>
    public static bool IsProductionFile(string path, MiningRules rules) =>
        rules.ProductionExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase))
        && !IsTestPath(path, rules.TestRule) && !InSkippedDirectory(path, rules);
}
