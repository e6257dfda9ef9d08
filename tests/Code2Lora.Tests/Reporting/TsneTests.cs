using Code2Lora.Reporting;

namespace Code2Lora.Tests.Reporting;

/// <summary>The exact t-SNE: calibrated affinities, clusters that stay apart, and a layout fixed by its seed.</summary>
public class TsneTests
{
    // Three clusters of six points in 12-D: centres 10 apart, spread 0.5.
    private static List<double[]> Clusters()
    {
        var rng = new Random(5);
        return Enumerable.Range(0, 18).Select(i => Enumerable.Range(0, 12)
            .Select(d => (d == i / 6 ? 10.0 : 0.0) + (rng.NextDouble() - 0.5)).ToArray()).ToList();
    }

    [Fact]
    public void Conditional_affinities_have_the_requested_perplexity()
    {
        var points = Clusters();
        var n = points.Count;
        var dist = new double[n, n];
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) dist[i, j] = points[i].Zip(points[j]).Sum(p => (p.First - p.Second) * (p.First - p.Second));
        var p = Tsne.JointProbabilities(dist, perplexity: 4);
        double total = 0;
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) { total += p[i, j]; Assert.Equal(p[i, j], p[j, i], 12); }
        Assert.Equal(1.0, total, 6);
        // Each point's mass sits on its own cluster (5 neighbours, perplexity 4): cross-cluster affinity is negligible.
        double inside = 0;
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) if (i != j && i / 6 == j / 6) inside += p[i, j];
        Assert.True(inside > 0.999, $"within-cluster mass {inside}");
    }

    [Fact]
    public void Clusters_stay_apart_and_the_layout_is_reproducible()
    {
        var points = Clusters();
        var config = new TsneConfig { Perplexity = 4, Iterations = 400 };
        var y = Tsne.Embed(points, config);
        for (var i = 0; i < points.Count; i++)
        {
            var nearest = Enumerable.Range(0, points.Count).Where(j => j != i)
                .MinBy(j => Math.Pow(y[i, 0] - y[j, 0], 2) + Math.Pow(y[i, 1] - y[j, 1], 2));
            Assert.True(i / 6 == nearest / 6, $"point {i} nearest {nearest}: " + string.Join(" ", Enumerable.Range(0, points.Count).Select(k => $"({y[k, 0]:F1},{y[k, 1]:F1})")));
        }
        Assert.Equal(y, Tsne.Embed(points, config));
        Assert.NotEqual(y, Tsne.Embed(points, config with { Seed = 1 }));
        Assert.Throws<ArgumentException>(() => Tsne.Embed(points.Take(2).ToList()));
    }
}
