using Code2Lora.Runtime;

namespace Code2Lora.Evaluation;

/// <summary>A mean with its percentile bootstrap confidence interval.</summary>
public sealed record Estimate(double Mean, double Low, double High, int N);

/// <summary>A paired difference of means (a − b) with its CI and the share of resamples where a ≤ b.</summary>
public sealed record PairedDifference(double Difference, double Low, double High, double ShareNotAbove, int N);

/// <summary>Percentile bootstrap over tasks (paper: 95 %, 5,000 resamples), seeded so reports are reproducible.</summary>
public static class Bootstrap
{
    /// <summary>Mean of <paramref name="values"/> with a (1 − alpha) percentile CI.</summary>
    public static Estimate Mean(IReadOnlyList<double> values, int resamples = 5000, double alpha = 0.05, int seed = 3407)
    {
        if (values.Count == 0) return new Estimate(double.NaN, double.NaN, double.NaN, 0);
        var rng = new SeededRandom(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++) sum += values[rng.Next(values.Count)];
            means[r] = sum / values.Count;
        }
        Array.Sort(means);
        return new Estimate(values.Average(), Percentile(means, 100 * alpha / 2), Percentile(means, 100 * (1 - alpha / 2)), values.Count);
    }

    /// <summary>Paired bootstrap of mean(a) − mean(b) over the same tasks (resampling task indices jointly).</summary>
    public static PairedDifference Paired(IReadOnlyList<double> a, IReadOnlyList<double> b, int resamples = 5000, double alpha = 0.05, int seed = 3407)
    {
        if (a.Count != b.Count) throw new ArgumentException($"paired bootstrap needs the same tasks: {a.Count} vs {b.Count} scores");
        if (a.Count == 0) return new PairedDifference(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        var rng = new SeededRandom(seed);
        var diffs = new double[resamples];
        int notAbove = 0;
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < a.Count; i++) { int k = rng.Next(a.Count); sum += a[k] - b[k]; }
            diffs[r] = sum / a.Count;
            if (diffs[r] <= 0) notAbove++;
        }
        Array.Sort(diffs);
        return new PairedDifference(a.Average() - b.Average(), Percentile(diffs, 100 * alpha / 2), Percentile(diffs, 100 * (1 - alpha / 2)),
            (double)notAbove / resamples, a.Count);
    }

    /// <summary>numpy.percentile's default (linear interpolation between closest ranks) on sorted data.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        double pos = (sorted.Length - 1) * q / 100.0;
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
