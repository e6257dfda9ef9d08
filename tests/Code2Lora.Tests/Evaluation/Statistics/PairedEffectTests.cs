using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Tests.Evaluation.Statistics;

/// <summary>Repository-clustered intervals and the paired effects built on them: a difference carried by one repository is uncertain
/// over repositories though certain over tasks; the counts and the MDE follow their definitions.</summary>
public class PairedEffectTests
{
    [Fact]
    public void A_difference_that_every_repository_shares_is_certain_over_repositories_too()
    {
        var repos = Enumerable.Range(0, 60).Select(i => $"r{i % 6}").ToArray();
        var a = Enumerable.Range(0, 60).Select(i => 1.0 + 0.01 * (i % 7)).ToArray();
        var b = a.Select(x => x - 0.5).ToArray();
        var d = ClusterBootstrap.Paired(a, b, repos);
        Assert.Equal((0.5, 0.5, 0.5), (Math.Round(d.Difference, 12), Math.Round(d.Low, 12), Math.Round(d.High, 12)));
        Assert.Equal((6, 6, 0), (d.Clusters, d.Above, d.Below));
    }

    [Fact]
    public void A_difference_carried_by_one_repository_is_wide_over_repositories_and_narrow_over_tasks()
    {
        // 6 repositories of 40 tasks; only r0 improves (by 1.0 on every task).
        var repos = Enumerable.Range(0, 240).Select(i => $"r{i / 40}").ToArray();
        var b = Enumerable.Range(0, 240).Select(i => Math.Sin(i)).ToArray();
        var a = b.Select((x, i) => i < 40 ? x + 1.0 : x).ToArray();
        var tasks = Bootstrap.Paired(a, b);
        var clustered = ClusterBootstrap.Paired(a, b, repos);
        Assert.Equal(1.0 / 6, clustered.Difference, 12);
        Assert.True(clustered.High - clustered.Low > 3 * (tasks.High - tasks.Low), $"repos [{clustered.Low}, {clustered.High}], tasks [{tasks.Low}, {tasks.High}]");
        Assert.Equal(0.0, clustered.Low, 12);                                       // some resamples never draw r0
        Assert.Equal((1, 0), (clustered.Above, clustered.Below));
        var effect = PairedEffect.Continuous(a, b, repos, seed: 3407);
        Assert.Equal(1.0, effect.SignTestP);                                        // one repository above, five tied: no evidence over repositories
    }

    [Fact]
    public void The_mde_is_2_8_standard_errors_of_the_larger_kind()
    {
        var repos = Enumerable.Range(0, 400).Select(i => $"r{i % 40}").ToArray();
        var a = Enumerable.Range(0, 400).Select(i => Math.Cos(i * 1.3)).ToArray();
        var b = new double[400];
        var e = PairedEffect.Continuous(a, b, repos, seed: 1);
        var sd = Math.Sqrt(a.Sum(x => (x - a.Average()) * (x - a.Average())) / 399);
        Assert.True(e.Mde >= Math.Round(2.8016 * sd / 20, 4) - 1e-4, $"MDE {e.Mde} vs task-level {2.8016 * sd / 20}");
        Assert.Equal(2.8016, PairedEffect.DetectableMultiple, 4);
    }

    [Fact]
    public void Exact_match_effects_carry_mcnemar_in_points()
    {
        var a = Enumerable.Range(0, 100).Select(i => i < 10).ToArray();
        var b = Enumerable.Range(0, 100).Select(i => i < 2).ToArray();
        var repos = Enumerable.Range(0, 100).Select(i => $"r{i % 5}").ToArray();
        var e = PairedEffect.ExactMatch(a, b, repos, seed: 1);
        Assert.Equal(8.0, e.Difference);
        Assert.Equal((8, 0), (e.McNemar!.OnlyA, e.McNemar.OnlyB));
        Assert.Equal(0.0078, e.McNemar.P, 4);                                        // 2 · ½⁸
        Assert.True(e.Ci[0] > 0 && e.Ci[1] < 100);
        Assert.NotNull(e.Mde);
    }

    [Fact]
    public void One_repository_has_no_repository_interval()
    {
        var e = PairedEffect.Continuous([1.0, 2.0, 3.0], [0.5, 1.0, 2.5], ["only", "only", "only"], seed: 1);
        Assert.Null(e.RepoCi);
        Assert.Equal("—", e.RepoInterval("F2"));
        Assert.Equal(1, e.Repos);
    }
}
