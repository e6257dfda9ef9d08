using Code2Lora.Evaluation;

namespace Code2Lora.Tests.Evaluation;

/// <summary>Percentile bootstrap: known answers, the binomial width, pairing, reproducibility.</summary>
public class BootstrapTests
{
    [Fact]
    public void PercentileInterpolatesLikeNumpy()
    {
        Assert.Equal(2.5, Bootstrap.Percentile([1, 2, 3, 4], 50));
        Assert.Equal(1.075, Bootstrap.Percentile([1, 2, 3, 4], 2.5), 12);
        Assert.Equal(4.0, Bootstrap.Percentile([1, 2, 3, 4], 100));
    }

    [Fact]
    public void ConstantScoresHaveAZeroWidthInterval()
    {
        var e = Bootstrap.Mean(Enumerable.Repeat(0.7, 50).ToList());
        Assert.Equal(0.7, e.Mean, 12);
        Assert.Equal(0.7, e.Low, 12);
        Assert.Equal(0.7, e.High, 12);
    }

    [Fact]
    public void HalfCorrectOnAThousandTasksGivesTheBinomialWidth()
    {
        var scores = Enumerable.Range(0, 1000).Select(i => (double)(i % 2)).ToList();
        var e = Bootstrap.Mean(scores);
        // Normal approximation: 1.96 · sqrt(0.25 / 1000) = 0.031.
        Assert.InRange(0.5 - e.Low, 0.025, 0.037);
        Assert.InRange(e.High - 0.5, 0.025, 0.037);
        Assert.Equal(e, Bootstrap.Mean(scores)); // seeded
    }

    [Fact]
    public void PairedDifferenceSeesAConsistentGain()
    {
        var b = Enumerable.Range(0, 400).Select(i => (double)(i % 2)).ToList();
        var a = b.Select((x, i) => i % 10 == 0 ? 1.0 : x).ToList(); // indices 0, 10, 20 … are all misses of b: a fixes 40, +10 pp, never worse
        var d = Bootstrap.Paired(a, b);
        Assert.Equal(0.10, d.Difference, 12);
        Assert.True(d.Low > 0, $"CI [{d.Low}, {d.High}] should exclude 0");
        Assert.Equal(0.0, d.ShareNotAbove);
        var same = Bootstrap.Paired(b, b);
        Assert.Equal(0, same.Low);
        Assert.Equal(1.0, same.ShareNotAbove);
        Assert.Throws<ArgumentException>(() => Bootstrap.Paired(a, b.Take(10).ToList()));
    }
}
