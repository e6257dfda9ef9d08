using Code2Lora.Evaluation.Statistics;

namespace Code2Lora.Tests.Evaluation.Statistics;

/// <summary>The Table 10 fits, checked against the paper's own numbers (paper-notes §4: R² 0.721; error = 43.9 · N^−0.027, R² 0.719).</summary>
public class LogLinearFitTests
{
    private static readonly double[] Repos = [10, 25, 50, 100, 150, 200, 409, 500, 623];
    private static readonly double[] Em = [57.7, 60.9, 60.9, 61.3, 61.5, 62.2, 63.8, 61.2, 63.5];

    [Fact]
    public void ThePapersTable10GivesItsOwnFits()
    {
        var fit = LogLinearFit.Of(Repos, Em);
        Assert.Equal(0.721, fit.RSquared, 2);                 // the paper rounds EM to one decimal before we see it: 0.7201
        Assert.True(fit.Slope > 0);
        var error = LogLinearFit.Of(Repos, Em.Select(e => 100 - e).ToList());
        Assert.Equal(43.9, error.PowerCoefficient!.Value, 1);
        Assert.Equal(-0.027, error.PowerExponent!.Value, 3);
        Assert.Equal(0.719, error.PowerRSquared!.Value, 3);
        Assert.Equal(fit.Intercept + fit.Slope * Math.Log(100), fit.At(100), 12);
    }

    [Fact]
    public void AnExactLineHasRSquaredOneAndBadInputIsRefused()
    {
        var fit = LogLinearFit.Of([1, Math.E, Math.E * Math.E], [3, 5, 7]);   // y = 3 + 2 ln x
        Assert.Equal((3.0, 2.0, 1.0), (Math.Round(fit.Intercept, 12), Math.Round(fit.Slope, 12), Math.Round(fit.RSquared, 12)));
        Assert.Null(LogLinearFit.Of([1, 2], [-1, 1]).PowerExponent);           // a power law needs positive y
        Assert.Throws<ArgumentException>(() => LogLinearFit.Of([0, 1], [1, 2]));
        Assert.Throws<ArgumentException>(() => LogLinearFit.Of([2, 2], [1, 2]));
        Assert.Throws<ArgumentException>(() => LogLinearFit.Of([1, 2], [1]));
    }
}
