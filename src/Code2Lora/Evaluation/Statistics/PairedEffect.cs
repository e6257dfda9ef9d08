using System.Text.Json.Serialization;

namespace Code2Lora.Evaluation.Statistics;

/// <summary>One metric's paired difference a − b between two methods on the same tasks, with everything a small benchmark needs to
/// read it honestly: a task-level interval (paired percentile bootstrap for NLL and EditSim; for EM the exact interval of
/// <see cref="McNemarTest.DifferenceInterval"/>), a repository-clustered interval (<see cref="ClusterBootstrap"/>), the count of
/// repositories on each side of 0 with its exact sign-test p, and the minimum detectable effect.</summary>
/// <param name="Difference">mean(a) − mean(b): nats/token for NLL, EditSim units, EM percentage points.</param>
/// <param name="Ci">Task-level 95 % interval.</param>
/// <param name="RepoCi">95 % interval from resampling repositories; null with fewer than two repositories (nothing to resample).</param>
/// <param name="Repos">Repositories the tasks come from.</param>
/// <param name="ReposAbove">Repositories whose mean difference is above 0.</param>
/// <param name="ReposBelow">Repositories whose mean difference is below 0.</param>
/// <param name="SignTestP">Exact two-sided sign test over the repositories above and below 0 (ties dropped).</param>
/// <param name="Mde">The smallest |difference| detectable at 80 % power and two-sided α = 0.05. Continuous metrics:
/// (z₀.₉₇₅ + z₀.₈) · SE = 2.80 · SE, SE the larger of the task-level SE (SD of the paired differences / √n) and the repository-bootstrap
/// SE. EM: the exact McNemar test's detectable difference given the observed discordant tasks; null when even a one-sided split of
/// them could not reach p &lt; 0.05 (fewer than 6 discordant tasks).</param>
/// <param name="McNemar">EM only: the exact McNemar test.</param>
public sealed record PairedEffect(
    [property: JsonPropertyName("diff")] double Difference, [property: JsonPropertyName("ci")] double[] Ci,
    [property: JsonPropertyName("ci_repos"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[]? RepoCi, [property: JsonPropertyName("repos")] int Repos,
    [property: JsonPropertyName("repos_above")] int ReposAbove, [property: JsonPropertyName("repos_below")] int ReposBelow,
    [property: JsonPropertyName("sign_test_p")] double SignTestP,
    [property: JsonPropertyName("mde"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Mde,
    [property: JsonPropertyName("mcnemar"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] McNemarTest? McNemar)
{
    /// <summary>z₀.₉₇₅ + z₀.₈: the multiple of the standard error a two-sided 5 % test detects with 80 % power.</summary>
    public static readonly double DetectableMultiple = Normal.Quantile(0.975) + Normal.Quantile(0.8);

    /// <summary>"[low, high]" of the task-level interval in <paramref name="format"/>.</summary>
    public string Interval(string format) => Bracket(Ci, format);

    /// <summary>"[low, high]" of the repository interval in <paramref name="format"/>, "—" with fewer than two repositories.</summary>
    public string RepoInterval(string format) => RepoCi is null ? "—" : Bracket(RepoCi, format);

    private static string Bracket(double[] ci, string format) =>
        $"[{ci[0].ToString(format, System.Globalization.CultureInfo.InvariantCulture)}, {ci[1].ToString(format, System.Globalization.CultureInfo.InvariantCulture)}]";

    /// <summary>A continuous per-task metric (NLL, EditSim), rounded to <paramref name="digits"/>.</summary>
    public static PairedEffect Continuous(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<string> repos, int seed, int digits = 4)
    {
        var tasks = Bootstrap.Paired(a, b, seed: seed);
        var clustered = ClusterBootstrap.Paired(a, b, repos, seed: seed);
        var diffs = a.Zip(b, (x, y) => x - y).ToArray();
        var sd = diffs.Length < 2 ? double.NaN : Math.Sqrt(diffs.Sum(d => (d - tasks.Difference) * (d - tasks.Difference)) / (diffs.Length - 1));
        var se = Math.Max(sd / Math.Sqrt(Math.Max(1, diffs.Length)), clustered.Clusters >= 2 ? clustered.StandardError : 0);
        return new PairedEffect(R(tasks.Difference, digits), [R(tasks.Low, digits), R(tasks.High, digits)], Clustered(clustered, digits),
            clustered.Clusters, clustered.Above, clustered.Below, R(McNemarTest.PValue(clustered.Above, clustered.Below), 4),
            double.IsNaN(se) ? null : R(DetectableMultiple * se, digits), null);
    }

    /// <summary>Exact match (a per-task hit or miss), in percentage points, rounded to <paramref name="digits"/>.</summary>
    public static PairedEffect ExactMatch(IReadOnlyList<bool> a, IReadOnlyList<bool> b, IReadOnlyList<string> repos, int seed, int digits = 2)
    {
        var test = McNemarTest.Of(a, b);
        var n = a.Count;
        var (low, high) = test.DifferenceInterval(n);
        var clustered = ClusterBootstrap.Paired(Percent(a), Percent(b), repos, seed: seed);
        return new PairedEffect(R(100.0 * (test.OnlyA - test.OnlyB) / Math.Max(1, n), digits), [R(100 * low, digits), R(100 * high, digits)],
            Clustered(clustered, digits), clustered.Clusters, clustered.Above, clustered.Below,
            R(McNemarTest.PValue(clustered.Above, clustered.Below), 4), test.MinimumDetectableDifference(n) is { } mde ? R(100 * mde, digits) : null,
            test with { P = R(test.P, 4) });
    }

    private static double[]? Clustered(ClusteredDifference d, int digits) => d.Clusters < 2 ? null : [R(d.Low, digits), R(d.High, digits)];

    private static double[] Percent(IReadOnlyList<bool> hits) => hits.Select(h => h ? 100.0 : 0.0).ToArray();

    private static double R(double x, int digits) => Math.Round(x, digits);
}
