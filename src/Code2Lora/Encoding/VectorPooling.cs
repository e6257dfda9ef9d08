namespace Code2Lora.Encoders;

/// <summary>The element-wise reductions the recipes combine (accumulated in double, returned as float).</summary>
public static class VectorPooling
{
    /// <summary>Element-wise mean of equally long vectors.</summary>
    public static float[] Mean(IReadOnlyList<float[]> vectors) => Weighted(vectors, Enumerable.Repeat(1.0 / vectors.Count, vectors.Count).ToArray());

    /// <summary>Σ_i w_i v_i.</summary>
    public static float[] Weighted(IReadOnlyList<float[]> vectors, IReadOnlyList<double> weights)
    {
        var d = Width(vectors);
        var acc = new double[d];
        for (int i = 0; i < vectors.Count; i++)
            for (int j = 0; j < d; j++) acc[j] += weights[i] * vectors[i][j];
        return acc.Select(x => (float)x).ToArray();
    }

    /// <summary>Element-wise maximum.</summary>
    public static float[] Max(IReadOnlyList<float[]> vectors)
    {
        var d = Width(vectors);
        var max = vectors[0].ToArray();
        for (int i = 1; i < vectors.Count; i++)
            for (int j = 0; j < d; j++) max[j] = Math.Max(max[j], vectors[i][j]);
        return max;
    }

    /// <summary><paramref name="v"/> / ‖v‖₂ (a zero vector stays zero).</summary>
    public static float[] L2Normalise(float[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return norm == 0 ? v.ToArray() : v.Select(x => (float)(x / norm)).ToArray();
    }

    /// <summary>[a; b] scaled by the given factors.</summary>
    public static float[] Concat(float[] a, float[] b, double scaleA = 1, double scaleB = 1) =>
        a.Select(x => (float)(scaleA * x)).Concat(b.Select(x => (float)(scaleB * x))).ToArray();

    /// <summary>Cosine similarity (0 when either vector is zero).</summary>
    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.Length; j++) { dot += (double)a[j] * b[j]; na += (double)a[j] * a[j]; nb += (double)b[j] * b[j]; }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static int Width(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count == 0) throw new ArgumentException("cannot pool zero vectors.");
        var d = vectors[0].Length;
        if (vectors.Any(v => v.Length != d)) throw new ArgumentException("vectors to pool differ in length.");
        return d;
    }
}
