using System.Text.Json;
using Code2Lora.Evaluation;
using Code2Lora.Experiments;

namespace Code2Lora.Tests.Experiments;

/// <summary>The by-task-kind scores of the evolution summary carry NLL and EditSim beside EM (every forge method is at 0 % EM, so EM
/// alone cannot show fairness checks 1 and 5).</summary>
public class KindScoreTests
{
    private static PredictionRow Row(int i, bool hit, double es, double? nll) =>
        new() { RepoId = "forge/r" + (i % 2), TaskIndex = i, ExactMatch = hit, EditSimilarity = es, TargetNll = nll };

    [Fact]
    public void A_kind_gets_EM_with_its_exact_interval_and_the_mean_NLL_and_EditSim()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Row(i, i == 0, 0.1 * i, 2.0 + i)).ToList();
        var k = KindScore.Of("cr_test", rows, 3407);
        Assert.Equal((10.0, 10), (k.Em, k.N));
        Assert.Equal(6.5, k.Nll);
        Assert.Equal(0.45, k.EditSim!.Value, 4);
        Assert.True(k.NllCi![0] < 6.5 && 6.5 < k.NllCi[1]);
        Assert.True(k.EmCi[0] < 10 && k.EmCi[1] > 40);                         // Clopper–Pearson of 1 of 10
        Assert.Equal("6.500 · 0.450 · 10.0 (n=10)", k.Cell());
        var json = JsonSerializer.Serialize(k);
        Assert.Contains("\"nll\":6.5", json);
        Assert.Contains("\"edit_sim\":0.45", json);
    }

    [Fact]
    public void A_method_without_NLL_shows_a_dash_and_writes_no_NLL_field()
    {
        var k = KindScore.Of("ir_test", Enumerable.Range(0, 4).Select(i => Row(i, false, 0.25, null)).ToList(), 3407);
        Assert.Null(k.Nll);
        Assert.Equal("— · 0.250 · 0.0 (n=4)", k.Cell());
        Assert.DoesNotContain("\"nll\"", JsonSerializer.Serialize(k));
    }
}
