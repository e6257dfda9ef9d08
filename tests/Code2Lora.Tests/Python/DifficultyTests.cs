using Code2Lora.Python;

namespace Code2Lora.Tests.Python;

/// <summary>The eight target difficulty classes.</summary>
public class DifficultyTests
{
    [Theory]
    [InlineData("True", "bool_literal")]
    [InlineData("False)", "bool_literal")]
    [InlineData("None", "none_literal")]
    [InlineData("'abc'", "string_literal")]
    [InlineData("rb\"x\" 'y')", "string_literal")]
    [InlineData("f\"{a}b\"", "string_literal")]
    [InlineData("-1.5e3", "numeric_literal")]
    [InlineData("0x1F)", "numeric_literal")]
    [InlineData("[1, 2]", "collection")]
    [InlineData("(1,)", "collection")]
    [InlineData("()", "collection")]
    [InlineData("{k: v for k, v in d.items()})", "collection")]
    [InlineData("len(x)", "func_call")]
    [InlineData("os.path.join(a, b))", "func_call")]
    [InlineData("foo(1)", "func_call")]
    [InlineData("self.value", "variable")]
    [InlineData("expected)", "variable")]
    [InlineData("(x)", "variable")]
    [InlineData("a + b", "complex_expr")]
    [InlineData("x[0])", "complex_expr")]
    [InlineData("not x", "complex_expr")]
    [InlineData("(a + b)", "complex_expr")]
    [InlineData("f(1)(2)", "complex_expr")]
    [InlineData("ValueError, match='x')", "complex_expr")]
    public void Classifies_targets(string target, string expected) => Assert.Equal(expected, Difficulty.Classify(target));
}
