using Code2Lora.Bench;
using Code2Lora.Evaluation;

namespace Code2Lora.Tests.Evaluation;

/// <summary>The model-free baselines: the constant answer and the copy heuristic, on prefixes shaped like the benchmark's.</summary>
public class TrivialBaselinesTests
{
    [Fact]
    public void The_most_frequent_training_target_breaks_ties_ordinally()
    {
        var rows = new[] { "0)", "1)", "1)", "0)", "None" }.Select(t => new QnaRow { Target = t });
        Assert.Equal("0)", TrivialBaselines.MostFrequentTarget(rows));
        Assert.Equal("", TrivialBaselines.MostFrequentTarget([]));
    }

    [Theory]
    [InlineData("        self.assertEqual(val, 0x80)\n        self.assertEqual(rem, b'')\n        self.assertEqual(val, ", "0x80)")]            // a repeated assertion
    [InlineData("        encoded = NIST256p.to_der()\n\n        self.assertEqual(NIST256p, ", "encoded)")]                                       // the last assigned name, brackets closed
    [InlineData("    a, b = split(x)\n    assert a == ", "b")]                                                                                       // not the name already used
    [InlineData("    with pytest.raises(ValueError) as exc:\n        f()\n    assert str(", "exc)")]
    [InlineData("    for item in items:\n        assert check(", "item)")]
    [InlineData("    x: int = 3\n    y == 4\n    f(k=1)\n    self.assertEqual(g(", "x))")]                                                       // annotated; not ==, not keywords
    [InlineData("def test_x():\n    assert compute() == ", "")]                                                                                 // nothing to copy
    public void Copy_from_prefix_finds_a_repeated_assertion_or_the_last_assigned_name(string prefix, string expected) =>
        Assert.Equal(expected, TrivialBaselines.CopyFromPrefix(prefix));

    [Fact]
    public void Both_baselines_are_scored_like_a_method()
    {
        var split = new Dictionary<string, IReadOnlyList<QnaRow>>
        {
            ["cr_test"] = [new QnaRow { RepoId = "r", Prefix = "    res = f()\n    self.assertEqual(out, ", Target = "res)" }, new QnaRow { RepoId = "r", Prefix = "    assert g() == ", Target = "1)" }],
        };
        var scored = TrivialBaselines.Score(split, [new QnaRow { Target = "1)" }, new QnaRow { Target = "1)" }, new QnaRow { Target = "2)" }]);
        Assert.Equal([false, true], scored[TrivialBaselines.MostFrequentName]["cr_test"].Select(r => r.ExactMatch));
        Assert.Equal([true, false], scored[TrivialBaselines.CopyName]["cr_test"].Select(r => r.ExactMatch));
        // CodeBLEU is scored like every method's (1.0 on an exact match), not left at 0.
        Assert.Equal([false, true], scored[TrivialBaselines.MostFrequentName]["cr_test"].Select(r => r.CodeBleu == 1.0));
        Assert.Equal(1.0, scored[TrivialBaselines.CopyName]["cr_test"][0].CodeBleu);
        Assert.All(scored.Values.SelectMany(m => m["cr_test"]), r => Assert.Null(r.TargetNll));
        Assert.Equal([0, 1], scored[TrivialBaselines.CopyName]["cr_test"].Select(r => r.TaskIndex));
    }
}
