namespace Code2Lora.Evaluation;

/// <summary>CodeBLEU's first two parts: corpus BLEU-4 over whitespace tokens (NLTK's corpus_bleu with Chen–Cherry method 1
/// smoothing, as the codebleu package vendors it) and its keyword-weighted variant, which clips reference n-grams by the
/// hypothesis (a recall) and weighs unigrams 1 for keywords and 0.2 otherwise.</summary>
internal static class NgramMatch
{
    private const int MaxOrder = 4;
    private const double Epsilon = 0.1; // method 1: a zero match count becomes 0.1
    private const double OtherTokenWeight = 0.2;

    /// <summary>bleu.corpus_bleu: modified precision per order, micro-averaged over the corpus, times the brevity penalty.</summary>
    public static double Bleu(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> hypotheses) =>
        Corpus(references, hypotheses, refs => refs.Select(r => r.Length), (counts, refs, n) =>
        {
            var maxRef = new Dictionary<string, int>(counts.Count, StringComparer.Ordinal);
            foreach (var reference in refs)
            {
                var refCounts = Counts(reference, n);
                foreach (var gram in counts.Keys) maxRef[gram] = Math.Max(maxRef.GetValueOrDefault(gram), refCounts.GetValueOrDefault(gram));
            }
            double clipped = 0, total = 0;
            foreach (var (gram, count) in counts)
            {
                clipped += Math.Min(count, maxRef[gram]);
                total += count;
            }
            return (clipped, Math.Max(1, total));
        });

    /// <summary>weighted_ngram_match.corpus_bleu with the package's keyword weights. Its brevity penalty reads each reference's
    /// length from the (tokens, weights) pair, i.e. 2, and that quirk is kept because the published scores include it.</summary>
    public static double WeightedBleu(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> hypotheses, IReadOnlySet<string> keywords) =>
        Corpus(references, hypotheses, refs => refs.Select(_ => 2), (counts, refs, n) =>
        {
            double matched = 0, totals = 0;
            foreach (var reference in refs)
            {
                double clipped = 0, total = 0;
                foreach (var (gram, count) in Counts(reference, n))
                {
                    // Unigram keys are the tokens themselves, so the weight lookup is by the whole key.
                    double weight = n == 1 ? (keywords.Contains(gram) ? 1.0 : OtherTokenWeight) : 1.0;
                    clipped += Math.Min(count, counts.GetValueOrDefault(gram)) * weight;
                    total += count * weight;
                }
                matched += clipped;
                totals += Math.Max(1, total);
            }
            return (matched, totals);
        });

    /// <summary>The corpus loop both variants share: per order, a sentence's (matched, total) from <paramref name="orderStatistic"/>
    /// summed over the corpus; the brevity penalty from the reference lengths closest to each hypothesis.</summary>
    private static double Corpus(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> hypotheses,
        Func<IReadOnlyList<string[]>, IEnumerable<int>> referenceLengths,
        Func<Dictionary<string, int>, IReadOnlyList<string[]>, int, (double Matched, double Total)> orderStatistic)
    {
        var numerators = new double[MaxOrder + 1];
        var denominators = new double[MaxOrder + 1];
        long hypLength = 0, refLength = 0;
        for (int s = 0; s < hypotheses.Count; s++)
        {
            var hyp = hypotheses[s];
            for (int n = 1; n <= MaxOrder; n++)
            {
                var (matched, total) = orderStatistic(Counts(hyp, n), references[s], n);
                numerators[n] += matched;
                denominators[n] += total;
            }
            hypLength += hyp.Length;
            refLength += ClosestLength(referenceLengths(references[s]), hyp.Length);
        }
        return Combine(numerators, denominators, refLength, hypLength);
    }

    /// <summary>n-gram counts; tokens come from str.split() so they hold no space and a space-joined key is unambiguous.</summary>
    internal static Dictionary<string, int> Counts(string[] tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Length; i++)
        {
            var gram = n == 1 ? tokens[i] : string.Join(' ', tokens, i, n);
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }

    /// <summary>The reference length closest to the hypothesis length, the shorter on a tie.</summary>
    private static int ClosestLength(IEnumerable<int> lengths, int hypLength) =>
        lengths.OrderBy(l => Math.Abs(l - hypLength)).ThenBy(l => l).First();

    private static double Combine(double[] numerators, double[] denominators, long refLength, long hypLength)
    {
        if (numerators[1] == 0) return 0;
        double penalty = hypLength > refLength ? 1 : hypLength == 0 ? 0 : Math.Exp(1 - (double)refLength / hypLength);
        double logSum = 0;
        for (int n = 1; n <= MaxOrder; n++)
        {
            var numerator = numerators[n] == 0 ? Epsilon : numerators[n];
            logSum += 0.25 * Math.Log(numerator / denominators[n]);
        }
        return penalty * Math.Exp(logSum);
    }
}
