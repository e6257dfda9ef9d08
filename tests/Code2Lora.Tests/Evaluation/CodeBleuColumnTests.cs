using System.Text;
using System.Text.Json;
using Code2Lora.Evaluation;
using Code2Lora.Experiments;

namespace Code2Lora.Tests.Evaluation;

/// <summary>CodeBLEU as a column: per task, in saved predictions, in split scores and in the summary tables.</summary>
public class CodeBleuColumnTests
{
    [Fact]
    public void TaskScoresCarryTheAuthorsCodeBleu()
    {
        var exact = Metrics.Score("expected[0])  # yes\nmore", "expected[0])");
        Assert.Equal(1.0, exact.CodeBleu);
        var near = Metrics.Score("assert_equal(result, 4)", "assert_equal(result, 3)");
        Assert.Equal(CodeBleu.ForTask(near.Prediction, near.Reference), near.CodeBleu);
        Assert.InRange(near.CodeBleu, 0, 0.999);
    }

    [Fact]
    public async Task SavedPredictionsGainCodeBleuOnLoad()
    {
        var dir = Directory.CreateTempSubdirectory("c2l-cb-").FullName;
        try
        {
            var cache = new PredictionCache(dir);
            var row = new PredictionRow { Method = "m", Split = "cr_test", Target = "x == 1  # note", Prediction = "x == 1", ExactMatch = true };
            await cache.SaveAsync("m", "fp", new Dictionary<string, IReadOnlyList<PredictionRow>> { ["cr_test"] = [row] });
            var loaded = await cache.TryLoadAsync("m", "fp", ["cr_test"]);
            Assert.Equal(1.0, loaded!["cr_test"][0].CodeBleu); // saved as 0, recomputed from the saved strings
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void SummariesPrintCodeBleuAndOldSummariesReadAsUnknown()
    {
        var rows = Enumerable.Range(0, 4).Select(i => new PredictionRow { ExactMatch = i == 0, EditSimilarity = 0.5, CodeBleu = 0.5 + 0.1 * i }).ToList();
        var summary = MethodSummary.Of(SplitScore.Of("cr_test", rows), SplitScore.Of("ir_test", rows));
        Assert.Equal(0.65, summary.IrCb!.Value, 4);
        Assert.Equal(0.65, summary.CrCb!.Value, 4);
        var sb = new StringBuilder();
        SummaryTables.Methods(sb, "method", new Dictionary<string, MethodSummary> { ["m"] = summary }, extraTokens: false);
        Assert.Contains("CR CodeBLEU", sb.ToString());
        Assert.Contains("| 0.650 |", sb.ToString());
        Assert.Equal("0.650", SummaryRow.Of([new KeyValuePair<string, MethodSummary>("m", summary)])[0].IrCb);

        var old = JsonSerializer.Deserialize<MethodSummary>("""{"cr_em":null,"cr_em_ci":null,"ir_em":10,"ir_em_ci":[5,15],"cr_es":null,"ir_es":0.5,"extra_tokens":0,"n_cr":0,"n_ir":3}""")!;
        Assert.Null(old.IrCb);
        Assert.Equal("—", SummaryRow.Of([new KeyValuePair<string, MethodSummary>("old", old)])[0].IrCb);
    }
}
