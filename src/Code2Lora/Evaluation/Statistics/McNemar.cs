using System.Text.Json.Serialization;

namespace Code2Lora.Evaluation.Statistics;

/// <summary>The exact McNemar test of two methods' exact matches on the same tasks: only the discordant tasks (one method right,
/// the other wrong) carry information, and under "no difference" each is equally likely to go either way.</summary>
/// <param name="OnlyA">Tasks method a gets right and b wrong.</param>
/// <param name="OnlyB">Tasks b gets right and a wrong.</param>
/// <param name="P">Two-sided exact p: 2 · P(Binomial(m, ½) ≤ min(OnlyA, OnlyB)), capped at 1 (1 when no task is discordant).</param>
public sealed record McNemarTest(
    [property: JsonPropertyName("only_a")] int OnlyA, [property: JsonPropertyName("only_b")] int OnlyB, [property: JsonPropertyName("p")] double P)
{
    /// <summary>Discordant tasks m.</summary>
    [JsonIgnore] public int Discordant => OnlyA + OnlyB;

    /// <summary>The test on paired outcomes (same tasks, same order).</summary>
    public static McNemarTest Of(IReadOnlyList<bool> a, IReadOnlyList<bool> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"McNemar needs the same tasks: {a.Count} vs {b.Count} outcomes.");
        int onlyA = 0, onlyB = 0;
        for (var i = 0; i < a.Count; i++)
            if (a[i] && !b[i]) onlyA++;
            else if (b[i] && !a[i]) onlyB++;
        return new McNemarTest(onlyA, onlyB, PValue(onlyA, onlyB));
    }

    /// <summary>The exact two-sided p of <paramref name="onlyA"/> against <paramref name="onlyB"/> discordant tasks.</summary>
    public static double PValue(int onlyA, int onlyB)
    {
        var m = onlyA + onlyB;
        return m == 0 ? 1.0 : Math.Min(1.0, 2 * ExactBinomial.Cdf(Math.Min(onlyA, onlyB), m, 0.5));
    }

    /// <summary>A (1 − α) interval of the EM difference (a − b, as a proportion of <paramref name="tasks"/>) that stays valid with few
    /// discordant tasks: the difference is ψ(2π − 1), ψ the discordant rate and π the share of discordant tasks that favour a; each gets
    /// a Clopper–Pearson interval at 1 − α/2 and the bounds are combined (Bonferroni, so coverage ≥ 1 − α; conservative). With no
    /// discordant task π is unknown and the interval is ±ψ's upper bound: at most that much difference went unseen.</summary>
    public (double Low, double High) DifferenceInterval(int tasks, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, Discordant);
        if (tasks == 0) return (double.NaN, double.NaN);
        var (psiLow, psiHigh) = ExactBinomial.ClopperPearson(Discordant, tasks, alpha / 2);
        var (piLow, piHigh) = Discordant == 0 ? (0.0, 1.0) : ExactBinomial.ClopperPearson(OnlyA, Discordant, alpha / 2);
        double low = 2 * piLow - 1, high = 2 * piHigh - 1;
        return (low < 0 ? psiHigh * low : psiLow * low, high > 0 ? psiHigh * high : psiLow * high);
    }

    /// <summary>The smallest EM difference (proportion of <paramref name="tasks"/>) this comparison could have detected: with the observed
    /// m discordant tasks held fixed, the |a − b| = m|2π − 1| / n at which the exact two-sided test at <paramref name="alpha"/> rejects with
    /// probability <paramref name="power"/>. Null when no split of m tasks can reach p &lt; α (m &lt; 6 at α = 0.05): nothing was detectable.</summary>
    public double? MinimumDetectableDifference(int tasks, double alpha = 0.05, double power = 0.8)
    {
        var m = Discordant;
        if (m == 0 || tasks == 0) return null;
        // The rejection region is symmetric: b ≤ lo or b ≥ m − lo, lo the largest count with p < α.
        var lo = -1;
        while (lo + 1 <= m / 2 && PValue(lo + 1, m - lo - 1) < alpha) lo++;
        if (lo < 0) return null;
        double Power(double pi) => 1 - ExactBinomial.Cdf(m - lo - 1, m, pi) + ExactBinomial.Cdf(lo, m, pi);
        if (Power(1.0) < power) return null;
        var piStar = 0.5 + ExactBinomial.Solve(x => Power(0.5 + x / 2), power) / 2;   // power rises with π on [½, 1]
        return m * (2 * piStar - 1) / tasks;
    }
}
