using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Experiments;

namespace Code2Lora.Tests.Experiments;

/// <summary>The conditioning study on the smoke-sized benchmark: every variant and both input controls train, the controls table is
/// written beside the study with single LoRA as its reference, and a second run trains and decodes nothing.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class ConditioningStudyTests(BaselineBench bench) : IClassFixture<BaselineBench>
{
    [Fact]
    public async Task The_study_writes_its_controls_table_against_single_lora_and_resumes()
    {
        var results = Path.Combine(bench.Root, "conditioning");
        var runRoot = Path.Combine(bench.Root, "conditioning-run");
        var study = await ConditioningStudy.RunAsync(bench.Experiment, bench.Contexts, runRoot, ConditioningStudy.Default, results, "test");

        Assert.Equal(["paper", "standardized", "standardized-per-layer", ConditioningStudy.RepositoryIdVariant, ConditioningStudy.ShuffledVariant], study.Rows.Select(r => r.Variant));
        Assert.All(study.Rows, r => Assert.Equal([SplitNames.CrTest, SplitNames.IrTest], r.Loss.Select(l => l.Split)));   // two repositories in each split
        Assert.All(study.Rows.SelectMany(r => r.Loss), l => Assert.Equal(4, l.Tasks));

        var controls = study.Controls!;
        Assert.Equal("standardized-per-layer", controls.Head);                                   // the smoke preset's own head
        Assert.Equal([ConditioningControls.SingleLora, ConditioningControls.Own, ConditioningControls.Other, ConditioningControls.Mean, ConditioningControls.Zero,
            ConditioningControls.RepositoryId, ConditioningControls.Shuffled], controls.Rows.Keys);
        Assert.All(controls.Rows.Values, r => Assert.True(r.CrNll is not null && r.IrNll is not null && r.NCr == 4 && r.NIr == 4));
        Assert.Equal(12, controls.VersusSingleLora.Count);
        Assert.All(controls.VersusSingleLora, c => Assert.Equal(ConditioningControls.SingleLora, c.B));
        Assert.Equal(10, controls.VersusOwn.Count);
        Assert.All(controls.VersusSingleLora.Concat(controls.VersusOwn), c => Assert.Equal(2, c.Nll!.Repos));
        // The own-vector row is the study's own row of the same head: the same NLL.
        Assert.Equal(study.Rows.Single(r => r.Variant == "standardized-per-layer").Loss.Single(l => l.Split == SplitNames.IrTest).Own, controls.Rows[ConditioningControls.Own].IrNll!.Value, 4);
        Assert.True(File.Exists(Path.Combine(results, "controls.json")));
        var markdown = File.ReadAllText(Path.Combine(results, "controls.md"));
        Assert.Contains("## Against single LoRA", markdown);
        Assert.Contains($"| {ConditioningControls.RepositoryId} − {ConditioningControls.SingleLora} | {SplitNames.CrTest} |", markdown);

        // A second run reuses every trained head and every prediction: the same numbers.
        var again = await ConditioningStudy.RunAsync(bench.Experiment, bench.Contexts, runRoot, ConditioningStudy.Default, results, "test");
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(controls.Rows), System.Text.Json.JsonSerializer.Serialize(again.Controls!.Rows));
    }

    [Fact]
    public async Task Cross_validation_scores_every_task_once_with_repository_clustered_comparisons()
    {
        var results = Path.Combine(bench.Root, "crossval");
        var summary = await CrossRepoValidation.RunAsync(bench.Experiment, bench.Contexts, k: 2, results, "test");
        Assert.Equal(2, summary.Folds.Count);
        Assert.Equal(["org/alpha", "org/beta", "org/delta", "org/gamma"], summary.Folds.SelectMany(f => f.Repos).Order(StringComparer.Ordinal));
        var all = bench.Experiment.Bench.StaticTasks.Count;
        Assert.Equal(all, summary.Folds.Sum(f => f.Tasks));
        Assert.Equal(["pretrained", "single-lora", "code2lora-static", "shuffled-repo", "zero-embedding", "mean-adapter"], summary.Methods.Keys);
        Assert.All(summary.Methods.Values.Concat(summary.Trivial.Values), m => Assert.Equal((all, 0), (m.NCr, m.NIr)));
        // The pooled rows keep every score of the fold's rows (CodeBLEU was once dropped by a hand-made copy and read 0).
        Assert.Contains(summary.Methods.Values.Concat(summary.Trivial.Values), m => m.CrCb > 0);
        var primary = summary.Comparisons.First();
        Assert.Equal(("code2lora-static", "single-lora", SplitNames.CrTest), (primary.A, primary.B, primary.Split));
        Assert.Equal(4, primary.Nll!.Repos);
        // Each fold trains on the other fold's repositories only.
        foreach (var f in summary.Folds)
            Assert.Equal(bench.Experiment.Bench.StaticTasks.Count(t => !f.Repos.Contains(t.RepoId) && t.Split is not (SplitNames.IrVal or SplitNames.CrVal)), f.TrainTasks);
        Assert.Contains("2-fold cross-validation over 4 repositories", File.ReadAllText(Path.Combine(results, "summary.md")));
        Assert.Throws<ArgumentException>(() => CrossRepoValidation.Folds(["a", "b", "c"], 2, 1));   // a fold of one repository has no swap control
    }
}
