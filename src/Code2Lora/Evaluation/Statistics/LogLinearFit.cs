namespace Code2Lora.Evaluation.Statistics;

/// <summary>A least-squares fit y = a + b·ln x (the paper's Table 10 fit of EM against the number of training repositories) and a
/// power law y = c·x^k fitted as ln y = ln c + k·ln x, each with its R² on the scale it was fitted on.</summary>
public sealed record LogLinearFit(double Intercept, double Slope, double RSquared, int Points, double? PowerCoefficient, double? PowerExponent, double? PowerRSquared)
{
    /// <summary>Fits <paramref name="ys"/> against ln <paramref name="xs"/> (every x &gt; 0; at least two distinct x). The power law is
    /// fitted only when every y is positive (null otherwise).</summary>
    public static LogLinearFit Of(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (xs.Count != ys.Count) throw new ArgumentException($"a fit needs one y per x: {xs.Count} x, {ys.Count} y.");
        if (xs.Any(x => !(x > 0))) throw new ArgumentException("a log-linear fit needs every x > 0.");
        if (xs.Distinct().Count() < 2) throw new ArgumentException("a log-linear fit needs at least two distinct x.");
        var lx = xs.Select(x => Math.Log(x)).ToList();
        var (a, b, r2) = Line(lx, ys);
        double? c = null, k = null, pr2 = null;
        if (ys.All(y => y > 0))
        {
            var (la, lb, lr2) = Line(lx, ys.Select(y => Math.Log(y)).ToList());
            (c, k, pr2) = (Math.Exp(la), lb, lr2);
        }
        return new LogLinearFit(a, b, r2, xs.Count, c, k, pr2);
    }

    /// <summary>The fitted y at <paramref name="x"/>.</summary>
    public double At(double x) => Intercept + Slope * Math.Log(x);

    private static (double A, double B, double R2) Line(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        var b = sxy / sxx;
        var r2 = syy == 0 ? 1.0 : sxy * sxy / (sxx * syy);
        return (my - b * mx, b, r2);
    }
}
