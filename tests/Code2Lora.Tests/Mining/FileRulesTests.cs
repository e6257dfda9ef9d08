using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

public class FileRulesTests
{
    [Theory]
    // path, paper rule, code rule
    [InlineData("test_foo.py", true, true)]
    [InlineData("pkg/foo_test.py", true, true)]
    [InlineData("tests/helpers.py", true, true)]
    [InlineData("src/test/conf.py", true, true)]
    [InlineData("Tests/data.json", true, true)]
    [InlineData("pkg/foo.py", false, false)]
    [InlineData("pkg/testing_utils.py", false, true)]
    [InlineData("pkg/latest.py", false, true)]           // the authors' substring rule catches this too
    [InlineData("integration_tests/run.py", false, true)]
    [InlineData("Test_Foo.py", false, true)]             // pytest's patterns are case-sensitive
    [InlineData("test_data.txt", false, true)]
    [InlineData("pkg/tests", false, true)]               // a file named "tests" is not under a tests/ directory
    public void TestPathRules(string path, bool paper, bool code)
    {
        Assert.Equal(paper, FileRules.IsTestPath(path, TestFileRule.Paper));
        Assert.Equal(code, FileRules.IsTestPath(path, TestFileRule.Code));
    }

    [Theory]
    [InlineData("pkg/a.py", "import pytest\n", true)]
    [InlineData("pkg/a.py", "from unittest import mock\n", true)]
    [InlineData("pkg/a.py", "x = Pytest.mark\n", true)]                 // lower-cased substring, as the authors do
    [InlineData("pkg/a.py", "def test_add():\n    pass\n", true)]
    [InlineData("pkg/a.py", "    async def test_io(self):\n        pass\n", true)]
    [InlineData("pkg/a.py", "class MyTestCase(Base):\n    pass\n", true)]
    [InlineData("pkg/a.py", "class Attestation:\n    pass\n", true)]
    [InlineData("pkg/a.py", "def testing():\n    pass\n", false)]
    [InlineData("pkg/a.py", "def add(a, b):\n    return a + b\n", false)]
    [InlineData("pkg/a.py", "x = 'contest'\nclass Foo:\n    pass\n", false)]
    [InlineData("docs/a.md", "import pytest\n", false)]                  // content is judged for .py files only
    public void CodeRuleLooksAtContent(string path, string text, bool expected)
    {
        Assert.Equal(expected, FileRules.IsTestFile(path, text, TestFileRule.Code));
        Assert.False(FileRules.IsTestFile(path, text, TestFileRule.Paper));
    }

    [Theory]
    [InlineData("node_modules/a/b.py", true)]
    [InlineData("pkg/__pycache__/x.pyc", true)]
    [InlineData("a/.tox/b/c.py", true)]
    [InlineData("build.py", false)]            // a file named like a skipped directory is still read
    [InlineData("pkg/builder/x.py", false)]
    [InlineData("Build/x.py", false)]          // names match exactly
    public void SkippedDirectories(string path, bool expected) =>
        Assert.Equal(expected, FileRules.InSkippedDirectory(path, new MiningRules()));

    [Theory]
    [InlineData("pkg/a.py", true)]
    [InlineData("README.md", true)]
    [InlineData("docs/index.RST", true)]
    [InlineData("tests/test_a.py", false)]
    [InlineData("setup.cfg", false)]
    [InlineData("dist/a.py", false)]
    public void ProductionPaths(string path, bool expected) =>
        Assert.Equal(expected, FileRules.IsProductionPath(path, new MiningRules()));
}
