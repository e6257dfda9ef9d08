namespace Code2Lora.Evaluation.Context;

/// <summary>
/// Okapi BM25 over <see cref="CodeTokens"/> words:
/// score(q, d) = Σ over distinct query words t of idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d|/avgdl)),
/// idf(t) = ln(1 + (N − n_t + 0.5) / (n_t + 0.5)) (the Lucene form, never negative).
/// </summary>
public sealed class Bm25Index
{
    private readonly List<Dictionary<string, int>> termFrequencies = new();
    private readonly List<int> lengths = new();
    private readonly Dictionary<string, int> documentFrequency = new(StringComparer.Ordinal);
    private readonly double averageLength;

    /// <summary>Indexes <paramref name="documents"/> (their order is the document number).</summary>
    public Bm25Index(IEnumerable<string> documents, double k1 = 1.2, double b = 0.75)
    {
        K1 = k1;
        B = b;
        foreach (var doc in documents)
        {
            var tf = new Dictionary<string, int>(StringComparer.Ordinal);
            var words = CodeTokens.Split(doc);
            foreach (var w in words) tf[w] = tf.GetValueOrDefault(w) + 1;
            foreach (var w in tf.Keys) documentFrequency[w] = documentFrequency.GetValueOrDefault(w) + 1;
            termFrequencies.Add(tf);
            lengths.Add(words.Count);
        }
        averageLength = lengths.Count == 0 ? 0 : lengths.Average();
    }

    /// <summary>Term-frequency saturation.</summary>
    public double K1 { get; }

    /// <summary>Length normalisation.</summary>
    public double B { get; }

    /// <summary>Documents indexed.</summary>
    public int Count => lengths.Count;

    /// <summary>The BM25 score of every document for <paramref name="query"/>, in document order.</summary>
    public double[] Scores(string query)
    {
        var scores = new double[Count];
        if (Count == 0) return scores;
        foreach (var term in CodeTokens.Split(query).Distinct(StringComparer.Ordinal))
        {
            if (!documentFrequency.TryGetValue(term, out var n)) continue;
            var idf = Math.Log(1 + (Count - n + 0.5) / (n + 0.5));
            for (int d = 0; d < Count; d++)
            {
                if (!termFrequencies[d].TryGetValue(term, out var tf)) continue;
                var norm = averageLength == 0 ? 1 : 1 - B + B * lengths[d] / averageLength;
                scores[d] += idf * tf * (K1 + 1) / (tf + K1 * norm);
            }
        }
        return scores;
    }
}
