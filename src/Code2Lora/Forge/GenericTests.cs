namespace Code2Lora.Forge;

/// <summary>
/// The control: plain-Python tests that are identical in every generated repository, so knowing the
/// repository cannot help with them. Their literals stay clear of every fact's value range
/// (facts use numbers of at least 100 and prefixed names).
/// </summary>
internal static class GenericTests
{
    /// <summary>A generic test: a short name, its body and its assertion targets.</summary>
    public sealed record Generic(string Name, TestBody Body);

    /// <summary>Name of the generic TestCase class and its setUp line.</summary>
    public const string ClassName = "TestPythonBasics";
    public const string SetUpLine = "self.items = [3, 1, 2]";

    /// <summary>The helper some generic tests call, defined once per test file that needs it.</summary>
    public static readonly IReadOnlyList<string> SameItemsHelper =
    [
        "def assert_same_items(actual, expected):",
        "    assert sorted(actual) == sorted(expected), f\"{actual!r} != {expected!r}\"",
    ];

    private static Generic Fn(string name, string line, string target) => new(name, new TestBody(false, [line], [target], []));
    private static Generic Cls(string name, string[] lines, string target) => new(name, new TestBody(true, lines, [target], []));

    public static readonly IReadOnlyList<Generic> All =
    [
        Fn("sorted_builtin", "assert sorted([3, 1, 2]) == [1, 2, 3]", "[1, 2, 3]"),
        Fn("split_commas", "assert \"a,b,c\".split(\",\") == [\"a\", \"b\", \"c\"]", "[\"a\", \"b\", \"c\"]"),
        Fn("max_of_two", "assert max(4, 9) == 9", "9"),
        Fn("dict_length", "assert len({\"x\": 1, \"y\": 2}) != 3", "3"),
        Fn("substring_present", "assert \"py\" in \"python\"", "\"python\""),
        Fn("substring_absent", "assert \"z\" not in \"abc\"", "\"abc\""),
        Fn("missing_key_is_none", "assert {}.get(\"missing\") is None", "None"),
        Fn("empty_list_not_none", "assert [] is not None", "None"),
        Fn("float_sum", "assert 0.1 + 0.2 == pytest.approx(0.3, rel=1e-9)", "0.3, rel=1e-9)"),
        new("missing_key_raises", new TestBody(false, ["with pytest.raises(KeyError, match=\"k\"):", "    {}[\"k\"]"], ["KeyError, match=\"k\")"], [])),
        Fn("reversed_string", "assert list(reversed(\"abc\")) == [\"c\", \"b\", \"a\"]", "[\"c\", \"b\", \"a\"]"),
        Fn("int_parse", "assert int(\"42\") < 50", "50"),
        Fn("strip_spaces", "assert \" trim \".strip() == \"trim\"", "\"trim\""),
        Fn("sum_range", "assert sum(range(5)) == 10", "10"),
        new("same_items", new TestBody(false, ["assert_same_items([2, 1], [1, 2])"], ["[1, 2])"], [])),
        Cls("join_words", ["self.assertEqual(\"-\".join([\"a\", \"b\"]), \"a-b\")"], "\"a-b\")"),
        Cls("isalpha", ["self.assertTrue(\"abc\".isalpha())"], "\"abc\".isalpha())"),
        Cls("get_default_none", ["self.assertIsNone(dict().get(\"k\"))"], "dict().get(\"k\"))"),
        Cls("membership", ["self.assertIn(3, self.items)"], "self.items)"),
        Cls("sorted_items", ["self.assertEqual(sorted(self.items), [1, 2, 3])"], "[1, 2, 3])"),
        Cls("int_rejects_text", ["with self.assertRaises(ValueError):", "    int(\"x\")"], "ValueError)"),
        Cls("third", ["self.assertAlmostEqual(1 / 3, 0.3333, places=3)"], "0.3333, places=3)"),
    ];
}
