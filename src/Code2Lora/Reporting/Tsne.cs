using Code2Lora.Runtime;

namespace Code2Lora.Reporting;

/// <summary>Settings of the exact t-SNE (van der Maaten &amp; Hinton, 2008) used to map adapters to the plane (paper: "t-SNE
/// clusters similar repositories together"). Exact O(n²) gradients: meant for tens to a few hundred points.</summary>
public sealed record TsneConfig
{
    /// <summary>Effective number of neighbours per point; clamped to (n − 1) / 3 for small sets.</summary>
    public double Perplexity { get; init; } = 15;
    /// <summary>Gradient steps.</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Step size; null = max(n / exaggeration / 4, 50) (sklearn's "auto").</summary>
    public double? LearningRate { get; init; }
    /// <summary>P is multiplied by this for the first <see cref="ExaggerationIterations"/> steps, so clusters form early.</summary>
    public double Exaggeration { get; init; } = 12;
    /// <summary>Steps with early exaggeration (momentum 0.5); after them momentum is 0.8.</summary>
    public int ExaggerationIterations { get; init; } = 250;
    /// <summary>Seed of the initial layout (N(0, 1e-4)).</summary>
    public int Seed { get; init; } = 3407;
}

/// <summary>Exact t-SNE of row vectors into 2-D, deterministic for a seed.</summary>
public static class Tsne
{
    /// <summary>2-D coordinates [n, 2] of the rows of <paramref name="points"/> (Euclidean input distances).</summary>
    public static double[,] Embed(IReadOnlyList<double[]> points, TsneConfig? config = null)
    {
        if (points.Any(p => p.Length != points[0].Length)) throw new ArgumentException("t-SNE points must all have the same dimension.");
        var n = points.Count;
        var dist = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                double s = 0;
                for (var k = 0; k < points[i].Length; k++) { var d = points[i][k] - points[j][k]; s += d * d; }
                dist[i, j] = dist[j, i] = s;
            }
        return EmbedDistances(dist, config);
    }

    /// <summary>2-D coordinates from squared distances [n, n] (e.g. 2 − 2·cosine between unit vectors).</summary>
    public static double[,] EmbedDistances(double[,] squaredDistances, TsneConfig? config = null)
    {
        config ??= new TsneConfig();
        var n = squaredDistances.GetLength(0);
        if (n < 3) throw new ArgumentException($"t-SNE needs at least 3 points, got {n}.");
        var p = JointProbabilities(squaredDistances, Math.Min(config.Perplexity, (n - 1) / 3.0));

        var rng = new SeededRandom(config.Seed);
        var y = new double[n, 2];
        for (var i = 0; i < n; i++) for (var d = 0; d < 2; d++) y[i, d] = Gaussian(rng) * 1e-2;
        var velocity = new double[n, 2];
        var gains = new double[n, 2];
        for (var i = 0; i < n; i++) gains[i, 0] = gains[i, 1] = 1;
        var q = new double[n, n];
        // sklearn's "auto" rate: the reference 200 was tuned for thousands of points, whose affinities are far smaller.
        var rate = config.LearningRate ?? Math.Max(n / config.Exaggeration / 4, 50);
        for (var iter = 0; iter < config.Iterations; iter++)
        {
            var exaggerate = iter < config.ExaggerationIterations ? config.Exaggeration : 1.0;
            var momentum = iter < config.ExaggerationIterations ? 0.5 : 0.8;
            double sumQ = 0;
            for (var i = 0; i < n; i++)
                for (var j = i + 1; j < n; j++)
                {
                    var dx = y[i, 0] - y[j, 0];
                    var dy = y[i, 1] - y[j, 1];
                    var w = 1.0 / (1.0 + dx * dx + dy * dy);     // Student-t kernel, one degree of freedom
                    q[i, j] = q[j, i] = w;
                    sumQ += 2 * w;
                }
            var grad = new double[n, 2];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                {
                    if (i == j) continue;
                    var force = (exaggerate * p[i, j] - q[i, j] / sumQ) * q[i, j];
                    grad[i, 0] += 4 * force * (y[i, 0] - y[j, 0]);
                    grad[i, 1] += 4 * force * (y[i, 1] - y[j, 1]);
                }
            for (var i = 0; i < n; i++)
                for (var d = 0; d < 2; d++)
                {
                    // Delta-bar-delta gains, as in the reference implementation: grow while the step keeps its direction.
                    gains[i, d] = Math.Sign(grad[i, d]) != Math.Sign(velocity[i, d]) ? gains[i, d] + 0.2 : Math.Max(0.01, gains[i, d] * 0.8);
                    velocity[i, d] = momentum * velocity[i, d] - rate * gains[i, d] * grad[i, d];
                    y[i, d] += velocity[i, d];
                }
            // Keep the layout centred; t-SNE is translation-invariant, so this changes nothing but the drift.
            for (var d = 0; d < 2; d++)
            {
                double mean = 0;
                for (var i = 0; i < n; i++) mean += y[i, d] / n;
                for (var i = 0; i < n; i++) y[i, d] -= mean;
            }

        }
        return y;
    }

    /// <summary>Symmetrised affinities P (sum 1) whose per-point conditionals have the given perplexity (binary search on the precision).</summary>
    public static double[,] JointProbabilities(double[,] dist, double perplexity)
    {
        var n = dist.GetLength(0);
        var target = Math.Log(perplexity);
        var conditional = new double[n, n];
        var row = new double[n];
        for (var i = 0; i < n; i++)
        {
            double lo = 0, hi = double.PositiveInfinity, beta = 1;
            // Scale by the row's smallest distance so the search starts near the right precision whatever the units.
            var scale = Enumerable.Range(0, n).Where(j => j != i).Min(j => dist[i, j]);
            scale = scale > 0 ? scale : 1;
            for (var attempt = 0; attempt < 100; attempt++)
            {
                double sum = 0, weighted = 0;
                for (var j = 0; j < n; j++)
                {
                    row[j] = j == i ? 0 : Math.Exp(-beta * (dist[i, j] - scale) / scale);
                    sum += row[j];
                    weighted += row[j] * (dist[i, j] - scale) / scale;
                }
                var entropy = Math.Log(sum) + beta * weighted / sum;
                if (Math.Abs(entropy - target) < 1e-5) break;
                if (entropy > target) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = (beta + lo) / 2; }
            }
            var total = row.Sum();
            for (var j = 0; j < n; j++) conditional[i, j] = row[j] / total;
        }
        var p = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                p[i, j] = Math.Max((conditional[i, j] + conditional[j, i]) / (2.0 * n), 1e-12);
        return p;
    }

    private static double Gaussian(SeededRandom rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
