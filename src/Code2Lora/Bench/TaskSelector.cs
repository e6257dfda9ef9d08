namespace Code2Lora.Bench;

/// <summary>Per-repository selection of static-track tasks (paper-notes §3.3): caps, dedupe, difficulty-proportional fill.</summary>
public static class TaskSelector
{
    /// <summary>Applies the per-function and per-file caps, dedupes on (file, target) and fills at most MaxPerRepo slots.</summary>
    public static IReadOnlyList<QnaRow> Select(IEnumerable<QnaRow> candidates, BenchConfig config)
    {
        var kept = new List<QnaRow>();
        foreach (var file in candidates.GroupBy(c => c.TestFile).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Ranking: shorter targets first; ties keep file order so the result is stable. (The paper also ranks
            // single-line targets first, but extracted targets arrive flattened to one line, so that key is not visible here.)
            var perFunction = file
                .GroupBy(c => (c.TestClass, c.TestFunction))
                .SelectMany(g => Rank(g).Take(config.MaxPerFunction));
            kept.AddRange(Rank(perFunction).Take(config.MaxPerFile).OrderBy(c => c.LineNo).ThenBy(c => c.ColOffset));
        }

        var seen = new HashSet<(string, string)>();
        var deduped = kept.Where(c => seen.Add((c.TestFile, c.Target))).ToList();
        return deduped.Count <= config.MaxPerRepo ? deduped : FillByDifficulty(deduped, config.MaxPerRepo);
    }

    private static IEnumerable<QnaRow> Rank(IEnumerable<QnaRow> items) =>
        items.OrderBy(c => c.Target.Length)
             .ThenBy(c => c.LineNo)
             .ThenBy(c => c.ColOffset);

    /// <summary>Fills <paramref name="slots"/> in proportion to difficulty-class sizes, by largest remainders.</summary>
    internal static List<QnaRow> FillByDifficulty(List<QnaRow> items, int slots)
    {
        var classes = items.GroupBy(c => c.Difficulty).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var quota = classes.Select(g => (double)g.Count() * slots / items.Count).ToArray();
        var take = quota.Select(q => (int)Math.Floor(q)).ToArray();
        int left = slots - take.Sum();
        foreach (int i in Enumerable.Range(0, classes.Count).OrderByDescending(i => quota[i] - take[i]).ThenBy(i => i).Take(left))
            take[i]++;
        var chosen = new HashSet<QnaRow>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < classes.Count; i++)
            foreach (var c in classes[i].Take(take[i])) chosen.Add(c);
        return items.Where(chosen.Contains).ToList();
    }
}
