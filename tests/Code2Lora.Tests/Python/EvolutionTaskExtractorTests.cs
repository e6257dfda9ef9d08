using Code2Lora.Python;

namespace Code2Lora.Tests.Python;

/// <summary>Evolution-track ("v1") extraction: full-file prefixes with re-synthesised assertion heads.</summary>
public class EvolutionTaskExtractorTests
{
    private static readonly IReadOnlyList<EvolutionAssertion> Found = EvolutionTaskExtractor.Extract(ExtractionFixture.Module);

    private static string TextBefore(string line)
    {
        int index = ExtractionFixture.Module.IndexOf(line, StringComparison.Ordinal);
        return ExtractionFixture.Module[..(ExtractionFixture.Module.LastIndexOf('\n', index) + 1)];
    }

    [Fact]
    public void Bare_assert_without_comparison_keeps_the_whole_expression()
    {
        var expr = Assert.Single(Found, a => a.AssertionType == "assert_expr");
        Assert.Equal("n", expr.Target);
        Assert.Equal(TextBefore("    assert n\n") + "    assert ", expr.Prefix);
    }

    [Fact]
    public void Compare_head_is_resynthesised_from_left_and_operator()
    {
        var isNot = Assert.Single(Found, a => a.Target == "None");
        Assert.Equal(TextBefore("assert n is not None") + "    assert n is not ", isNot.Prefix);

        var multiLine = Assert.Single(Found, a => a.Target == "[ 1, 2]");
        Assert.Equal(TextBefore("assert foo(") + "    assert foo( 1, 2) == ", multiLine.Prefix);
    }

    [Fact]
    public void Unittest_head_lists_the_arguments_before_the_target()
    {
        var eq = Assert.Single(Found, a => a.Target == "3)");
        Assert.Equal(TextBefore("self.assertEqual(a, 3)") + "        self.assertEqual(a, ", eq.Prefix);
        Assert.Equal(("test_eq", "TestThing"), (eq.TestFunction, eq.TestClass));

        var regex = Assert.Single(Found, a => a.Target == "ValueError, \"bad\")");
        Assert.EndsWith("\n        self.assertRaisesRegex(", regex.Prefix);
    }

    [Fact]
    public void Other_families_cut_the_original_line_at_the_target()
    {
        var raises = Assert.Single(Found, a => a.AssertionType == "pytest_raises");
        Assert.Equal(TextBefore("with pytest.raises") + "    with pytest.raises(", raises.Prefix);
        var call = Assert.Single(Found, a => a.AssertionType == "assert_call");
        Assert.Equal(TextBefore("np.testing") + "    np.testing.assert_allclose(n, ", call.Prefix);
    }

    [Fact]
    public void Module_level_assertions_are_kept_without_a_function()
    {
        var found = EvolutionTaskExtractor.Extract("x = 1\nassert x == 1\n");
        var only = Assert.Single(found);
        Assert.Equal(("x = 1\nassert x == ", "1", (string?)null), (only.Prefix, only.Target, only.TestFunction));
    }

    [Fact]
    public void Counts_every_family_in_the_fixture()
    {
        var counts = Found.GroupBy(a => a.AssertionType).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int>
        {
            ["unittest"] = 4, ["assert_compare"] = 5, ["assert_expr"] = 1, ["pytest_raises"] = 1, ["pytest_approx"] = 1, ["assert_call"] = 1,
        }, counts);
    }
}
