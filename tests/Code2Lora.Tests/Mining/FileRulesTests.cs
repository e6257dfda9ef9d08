using Code2Lora.Mining;

namespace Code2Lora.Tests.Mining;

/// <summary>The paper's and the authors' code's test-file rules (paper-notes §3.2), and repository lists.</summary>
public class FileRulesTests
{
    [Theory]
    [InlineData("tests/test_api.py", true, true)]
    [InlineData("test_api.py", true, true)]
    [InlineData("pkg/api_test.py", true, true)]
    [InlineData("test/helpers.py", true, true)]
    [InlineData("pkg/tests/conftest.py", true, true)]
    [InlineData("pkg/testing/utils.py", false, true)]      // "test" inside a directory name: only the code rule
    [InlineData("pkg/contest.py", false, true)]            // substring match, as the authors' code does
    [InlineData("pkg/api.py", false, false)]
    [InlineData("tests/data.json", false, true)]
    public void PathRules(string path, bool paper, bool code)
    {
        Assert.Equal(paper, FileRules.IsTestPath(path, TestFileRule.Paper));
        Assert.Equal(code, FileRules.IsTestPath(path, TestFileRule.Code));
    }

    [Theory]
    [InlineData("import pytest\n", true)]
    [InlineData("from unittest import mock\n", true)]
    [InlineData("class FooTests(unittest.TestCase):\n    pass\n", true)]
    [InlineData("def test_thing():\n    pass\n", true)]
    [InlineData("    async def test_thing(self):\n        pass\n", true)]
    [InlineData("def helper():\n    return 'test'\n", false)]
    [InlineData("class Parser:\n    pass\n", false)]
    public void CodeRuleLooksAtContent(string text, bool isTest)
    {
        Assert.Equal(isTest, FileRules.IsTestFile("pkg/module.py", text, TestFileRule.Code));
        Assert.False(FileRules.IsTestFile("pkg/module.py", text, TestFileRule.Paper));
    }

    [Fact]
    public void ProductionFilesExcludeTestsOtherExtensionsAndSkippedDirectories()
    {
        var rules = new MiningRules();
        Assert.True(FileRules.IsProductionFile("pkg/a.py", rules));
        Assert.True(FileRules.IsProductionFile("README.md", rules));
        Assert.True(FileRules.IsProductionFile("docs/x.rst", rules));
        Assert.False(FileRules.IsProductionFile("tests/test_a.py", rules));
        Assert.False(FileRules.IsProductionFile("pkg/a.json", rules));
        Assert.False(FileRules.IsProductionFile(".tox/py/a.py", rules));
        Assert.False(FileRules.IsProductionFile("build/lib/a.py", rules));
    }

    [Fact]
    public void RepoListsAcceptUrlsAndOwnerNames()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# benchmark\npsf/black\nhttps://github.com/python-attrs/attrs.git  # attrs\n\ngit@github.com:joke2k/faker.git\npsf/black\n");
            var list = RepoList.Parse(path);
            Assert.Equal(new[] { "psf/black", "python-attrs/attrs", "joke2k/faker" }, list.Select(e => e.RepoId));
            Assert.Equal("https://github.com/psf/black.git", list[0].Url);
            File.WriteAllText(path, "not a repo line\n");
            Assert.Contains(":1:", Assert.Throws<FormatException>(() => RepoList.Parse(path)).Message);
        }
        finally { File.Delete(path); }
    }
}
