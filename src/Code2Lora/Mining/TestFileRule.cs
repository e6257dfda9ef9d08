namespace Code2Lora.Mining;

/// <summary>Which definition of "test file" separates tests (task sources) from repository context (paper-notes §3.2).</summary>
public enum TestFileRule
{
    /// <summary>The paper's rule: <c>test_*.py</c>, <c>*_test.py</c>, or anything under a <c>tests/</c> or <c>test/</c> directory.</summary>
    Paper,

    /// <summary>The authors' code (<c>2_separate_tests.py</c>): any path component contains "test", or the content looks like a test module.</summary>
    Code,
}
