using Code2Lora.Python;

namespace Code2Lora.Tests.Python;

/// <summary>Static-track (v2) extraction: targets per family, the structured prefix, and the quality filters.</summary>
public class StaticTaskExtractorTests
{
    private static readonly IReadOnlyList<AssertionCandidate> Found = StaticTaskExtractor.Extract(ExtractionFixture.Module);

    private static AssertionCandidate Single(string target) => Assert.Single(Found, c => c.Target == target);

    [Fact]
    public void Every_family_yields_its_documented_target()
    {
        var expected = new[]
        {
            ("3)", "unittest", "numeric_literal"),
            ("a)", "unittest", "variable"),
            ("ValueError)", "unittest", "variable"),
            ("ValueError, \"bad\")", "unittest", "complex_expr"),
            ("\"abc\"", "assert_compare", "string_literal"),
            ("[1, 2]", "assert_compare", "collection"),
            ("None", "assert_compare", "none_literal"),
            ("ValueError, match=\"x\")", "pytest_raises", "complex_expr"),
            ("pytest.approx(1.0, rel=1e-3)", "assert_compare", "func_call"),
            ("1.0, rel=1e-3)", "pytest_approx", "complex_expr"),
            ("[1.0])", "assert_call", "collection"),
            ("[ 1, 2]", "assert_compare", "collection"),
        };
        Assert.Equal(expected, Found.Select(c => (c.Target, c.AssertionType, c.Difficulty)));
    }

    [Fact]
    public void Scope_and_positions_follow_ast()
    {
        var eq = Single("3)");
        Assert.Equal(("test_eq", "TestThing"), (eq.TestFunction, eq.TestClass));
        Assert.Equal(ExtractionFixture.LineOf("self.assertEqual(a, 3)"), eq.LineNo);
        Assert.Equal("        self.assertEqual(a, ".Length, eq.ColOffset);

        var raises = Single("ValueError, match=\"x\")");
        Assert.Equal(("test_bare", (string?)null), (raises.TestFunction, raises.TestClass));
        Assert.Equal(ExtractionFixture.LineOf("with pytest.raises"), raises.LineNo);

        var multiLine = Single("[ 1, 2]");
        Assert.Equal(ExtractionFixture.LineOf("assert foo("), multiLine.LineNo);
        Assert.Equal("        2) == ".Length, multiLine.ColOffset);
    }

    [Fact]
    public void Prefix_of_a_module_level_test_keeps_imports_helpers_and_the_test_up_to_the_target()
    {
        Assert.Equal(
            """
            import os
            from x import y
            CONST = 1

            print("hi")

            def helper():
                return 3

            @pytest.mark.parametrize("n", [1])
            def test_bare(n):
                s2 = make()
                assert s2.source == 
            """, Single("\"abc\"").Prefix);
    }

    [Fact]
    public void Prefix_of_a_method_adds_class_header_assignments_and_setup_but_not_later_methods()
    {
        Assert.Equal(
            """
            import os
            from x import y
            CONST = 1

            print("hi")

            def helper():
                return 3

            class TestThing(unittest.TestCase):
                attr = 5

                def setUp(self):
                    self.v = 1

                def test_eq(self):
                    a = helper()
                    self.assertEqual(a, 
            """, Single("3)").Prefix);
    }

    [Fact]
    public void Multi_line_assertion_keeps_its_lines_up_to_the_target_column()
    {
        Assert.EndsWith("    s2 = make()\n    assert s2.source == \"abc\"\n    assert n in [1, 2]\n    assert n is not None\n    assert n\n"
                        + "    with pytest.raises(ValueError, match=\"x\"):\n        int(\"x\")\n"
                        + "    assert n == pytest.approx(1.0, rel=1e-3)\n    np.testing.assert_allclose(n, [1.0])\n"
                        + "    m.assert_called_once_with(1)\n    assert foo(\n        1,\n        2) == ", Single("[ 1, 2]").Prefix);
    }

    [Fact]
    public void Prefix_is_cut_from_the_top_at_max_lines()
    {
        var found = StaticTaskExtractor.Extract(ExtractionFixture.Module, new StaticExtractionOptions { MaxPrefixLines = 3 });
        var abc = Assert.Single(found, c => c.Target == "\"abc\"");
        Assert.Equal("def test_bare(n):\n    s2 = make()\n    assert s2.source == ", abc.Prefix);
    }

    [Fact]
    public void Quality_filters_drop_trivial_long_and_misplaced_targets()
    {
        const string module =
            """
            assert module_level == 10

            def test_filters(x):
                assert x == 1
                assert x == ""
                assert g("(,") == 33
                assert x == "a fairly long string target"
                self.assertEqual(x, (y))
                assert x == 10
            """;
        var found = StaticTaskExtractor.Extract(module, new StaticExtractionOptions { MaxTargetChars = 20 });
        Assert.Equal(["y)", "10"], found.Select(c => c.Target));
        Assert.Equal("    self.assertEqual(x, (", found[0].Prefix.Split('\n')[^1]);
    }

    [Fact]
    public void Bare_assert_without_comparison_is_not_a_static_task() =>
        Assert.DoesNotContain(Found, c => c.AssertionType == "assert_expr");

    [Fact]
    public void Mock_style_assert_calls_are_not_tasks() =>
        Assert.DoesNotContain(Found, c => c.Target == "1)");

    [Theory]
    [InlineData("def test_x():\n    assert x == (\n")]
    [InlineData("def test_x():\n    s = \"\"\"never closed\n")]
    [InlineData("def test_x():\n        a = 1\n    assert a == 2\n")]
    public void Modules_that_do_not_tokenize_throw(string module) =>
        Assert.Throws<PySyntaxError>(() => StaticTaskExtractor.Extract(module));

    [Fact]
    public void Nested_functions_and_one_liners_belong_to_the_outer_test()
    {
        const string module =
            """
            class TestA:
                def test_outer(self):
                    def inner():
                        assert inner_value == 42
                    inner()

            def test_one(): assert one_liner == 42
            """;
        var found = StaticTaskExtractor.Extract(module);
        Assert.Equal([("test_outer", "TestA"), ("test_one", null)], found.Select(c => (c.TestFunction, c.TestClass)));
        Assert.Equal("def test_one(): assert one_liner == ", found[1].Prefix.Split('\n')[^1]);
    }

    [Fact]
    public void Col_offset_counts_utf8_bytes_like_ast()
    {
        var found = StaticTaskExtractor.Extract("def test_u():\n    assert f('é') == 42\n");
        Assert.Equal("    assert f('é') == ".Length + 1, Assert.Single(found).ColOffset);
    }
}
