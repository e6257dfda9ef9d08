namespace Code2Lora.Evaluation.Statistics;

/// <summary>Exact binomial tails and the intervals that stay honest for proportions near 0 or 1 (EM is often 0 of 256 here, where
/// a percentile bootstrap prints [0, 0]).</summary>
public static class ExactBinomial
{
    /// <summary>P(X ≤ <paramref name="k"/>) for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>), summed in log space so large n
    /// and extreme p neither underflow nor lose the tail.</summary>
    public static double Cdf(int k, int n, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), $"a probability, got {p}.");
        if (k < 0) return 0;
        if (k >= n) return 1;
        if (p == 0) return 1;
        if (p == 1) return 0;
        // log pmf(i+1) = log pmf(i) + log((n − i) / (i + 1)) + log(p / (1 − p)), from log pmf(0) = n·log(1 − p).
        double logRatio = Math.Log(p) - Math.Log(1 - p), log = n * Math.Log(1 - p), max = log;
        var terms = new double[k + 1];
        terms[0] = log;
        for (var i = 0; i < k; i++)
        {
            log += Math.Log((double)(n - i) / (i + 1)) + logRatio;
            terms[i + 1] = log;
            max = Math.Max(max, log);
        }
        var sum = terms.Sum(t => Math.Exp(t - max));
        return Math.Min(1.0, Math.Exp(max + Math.Log(sum)));
    }

    /// <summary>The Clopper–Pearson ("exact") interval of a proportion: the p whose binomial tails at <paramref name="successes"/> of
    /// <paramref name="n"/> are α/2. Its coverage is at least 1 − α for every p; for 0 of n the upper bound is 1 − (α/2)^(1/n).</summary>
    public static (double Low, double High) ClopperPearson(int successes, int n, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, n);
        if (n == 0) return (0, 1);
        var low = successes == 0 ? 0 : Solve(p => 1 - Cdf(successes - 1, n, p), alpha / 2);        // P(X ≥ x) rises with p
        var high = successes == n ? 1 : Solve(p => -Cdf(successes, n, p), -alpha / 2);            // −P(X ≤ x) rises with p
        return (low, high);
    }

    /// <summary>The Wilson score interval (narrower than Clopper–Pearson, coverage close to 1 − α on average rather than at least).</summary>
    public static (double Low, double High) Wilson(int successes, int n, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, n);
        if (n == 0) return (0, 1);
        var z = Normal.Quantile(1 - alpha / 2);
        double p = (double)successes / n, z2 = z * z, centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The p in [0, 1] where the increasing <paramref name="f"/> reaches <paramref name="target"/> (bisection to 1e-12).</summary>
    internal static double Solve(Func<double, double> f, double target)
    {
        double lo = 0, hi = 1;
        for (var i = 0; i < 60 && hi - lo > 1e-12; i++)
        {
            var mid = (lo + hi) / 2;
            if (f(mid) < target) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }
}

/// <summary>The standard normal quantile function.</summary>
public static class Normal
{
    /// <summary>z with Φ(z) = <paramref name="p"/>: Acklam's rational approximation (relative error below 1.2e-9), enough for the
    /// interval and power constants used here (z₀.₉₇₅ = 1.959964, z₀.₈ = 0.841621).</summary>
    public static double Quantile(double p)
    {
        if (p is <= 0 or >= 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), $"a probability strictly between 0 and 1, got {p}.");
        const double pLow = 0.02425;
        if (p < pLow) return Tail(Math.Sqrt(-2 * Math.Log(p)));
        if (p > 1 - pLow) return -Tail(Math.Sqrt(-2 * Math.Log(1 - p)));
        var q = p - 0.5;
        var r = q * q;
        return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
               / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);

        static double Tail(double q) =>
            (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
    }
}
