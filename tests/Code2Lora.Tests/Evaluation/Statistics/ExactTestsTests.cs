using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Tests.Evaluation.Statistics;

/// <summary>The exact intervals and tests against closed forms and published values: Clopper–Pearson at 0 and n, Wilson at 0, the
/// normal quantiles, McNemar's exact p and its minimum detectable difference.</summary>
public class ExactTestsTests
{
    [Fact]
    public void Binomial_cdf_matches_closed_forms_and_stays_finite_for_large_n()
    {
        Assert.Equal(Math.Pow(0.7, 10), ExactBinomial.Cdf(0, 10, 0.3), 12);
        Assert.Equal(1 - Math.Pow(0.3, 10), ExactBinomial.Cdf(9, 10, 0.3), 12);
        Assert.Equal(0.5, ExactBinomial.Cdf(2, 5, 0.5), 12);                       // symmetric: P(X ≤ 2) of Bin(5, ½)
        Assert.Equal(0.5, ExactBinomial.Cdf(50_000, 100_001, 0.5), 9);              // (1 − p)^n underflows; log space does not
        Assert.Equal(1.0, ExactBinomial.Cdf(3, 3, 0.9));
        Assert.Equal(0.0, ExactBinomial.Cdf(-1, 3, 0.9));
    }

    [Fact]
    public void Clopper_pearson_has_closed_forms_at_the_ends_and_the_published_interior_value()
    {
        var (low, high) = ExactBinomial.ClopperPearson(0, 256);
        Assert.Equal(0.0, low);
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 256), high, 9);                      // 1.43 %: what "0.0 [0.0, 0.0]" hid
        (low, high) = ExactBinomial.ClopperPearson(256, 256);
        Assert.Equal(Math.Pow(0.025, 1.0 / 256), low, 9);
        Assert.Equal(1.0, high);
        (low, high) = ExactBinomial.ClopperPearson(5, 20);                           // standard tables: 0.0866–0.4910
        Assert.Equal(0.0866, low, 4);
        Assert.Equal(0.4910, high, 4);
    }

    [Fact]
    public void Wilson_at_zero_is_z_squared_over_n_plus_z_squared()
    {
        var z2 = Math.Pow(Normal.Quantile(0.975), 2);
        var (low, high) = ExactBinomial.Wilson(0, 256);
        Assert.Equal(0.0, low, 12);
        Assert.Equal(z2 / (256 + z2), high, 9);
    }

    [Theory]
    [InlineData(0.975, 1.959963985)]
    [InlineData(0.8, 0.841621234)]
    [InlineData(0.01, -2.326347874)]
    [InlineData(0.5, 0.0)]
    public void Normal_quantiles_match_tables(double p, double z) => Assert.Equal(z, Normal.Quantile(p), 7);

    [Fact]
    public void Mcnemar_counts_only_discordant_tasks_and_is_exact()
    {
        var test = McNemarTest.Of([true, true, false, false, true], [true, false, true, false, false]);
        Assert.Equal((2, 1), (test.OnlyA, test.OnlyB));
        Assert.Equal(1.0, test.P, 12);                                              // 2 · P(Bin(3, ½) ≤ 1) = 2 · ½, capped
        Assert.Equal(0.03125, McNemarTest.PValue(6, 0), 12);                        // 2 · ½⁶
        Assert.Equal(0.5, McNemarTest.PValue(2, 0), 12);                            // two tasks that differ prove nothing
        Assert.Equal(1.0, McNemarTest.PValue(0, 0));
    }

    [Fact]
    public void The_difference_interval_holds_zero_when_few_tasks_differ_and_bounds_an_unseen_difference()
    {
        var two = new McNemarTest(2, 0, McNemarTest.PValue(2, 0));
        var (low, high) = two.DifferenceInterval(256);
        Assert.True(low <= 0 && high > 0, $"[{low}, {high}]");                      // a bootstrap would say [0.0, 1.9]
        var none = new McNemarTest(0, 0, 1);
        (low, high) = none.DifferenceInterval(256);
        var psi = ExactBinomial.ClopperPearson(0, 256, 0.025).High;
        Assert.Equal((-psi, psi), (low, high));
        var many = new McNemarTest(30, 2, McNemarTest.PValue(30, 2));
        (low, high) = many.DifferenceInterval(256);
        Assert.InRange(28.0 / 256, low, high);
        Assert.True(low > 0);
    }

    [Fact]
    public void The_minimum_detectable_difference_needs_six_discordant_tasks_and_has_80_percent_power()
    {
        Assert.Null(new McNemarTest(3, 2, 1).MinimumDetectableDifference(256));
        Assert.Null(new McNemarTest(0, 0, 1).MinimumDetectableDifference(256));
        var mde = new McNemarTest(4, 2, 1).MinimumDetectableDifference(256)!.Value;
        // m = 6 rejects only 6–0 or 0–6: power(π) = π⁶ + (1 − π)⁶ = 0.8 at the detectable π.
        var pi = (mde * 256 / 6 + 1) / 2;
        Assert.Equal(0.8, Math.Pow(pi, 6) + Math.Pow(1 - pi, 6), 6);
        Assert.True(new McNemarTest(40, 40, 1).MinimumDetectableDifference(256) < new McNemarTest(80, 80, 1).MinimumDetectableDifference(256));
    }
}
