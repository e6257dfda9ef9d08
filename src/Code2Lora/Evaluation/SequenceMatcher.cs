namespace Code2Lora.Evaluation;

/// <summary>
/// A port of Python's difflib.SequenceMatcher ratio with isjunk=None and autojunk=True, over Unicode code points
/// (Python strings index code points, not UTF-16 units), so EditSim equals the authors' to the last bit.
/// </summary>
public static class SequenceMatcher
{
    /// <summary>2·M / (|a| + |b|), M the total size of the Ratcliff–Obershelp matching blocks; 1.0 for two empty strings.</summary>
    public static double Ratio(string a, string b)
    {
        var x = CodePoints(a);
        var y = CodePoints(b);
        int total = x.Length + y.Length;
        if (total == 0) return 1.0;
        return 2.0 * MatchingCharacters(x, y) / total;
    }

    internal static int[] CodePoints(string s)
    {
        var list = new List<int>(s.Length);
        foreach (var rune in s.EnumerateRunes()) list.Add(rune.Value);
        return list.ToArray();
    }

    /// <summary>Sum of the sizes of the matching blocks difflib finds (recursing left and right of each longest match).</summary>
    internal static int MatchingCharacters(int[] a, int[] b)
    {
        var b2j = new Dictionary<int, List<int>>();
        for (int j = 0; j < b.Length; j++)
        {
            if (!b2j.TryGetValue(b[j], out var list)) b2j[b[j]] = list = [];
            list.Add(j);
        }
        // autojunk: in sequences of 200+ items, elements occurring more than 1% (+1) of the time are "popular" and are
        // not used to seed matches (they can still extend one, as in difflib).
        if (b.Length >= 200)
        {
            int limit = b.Length / 100 + 1;
            foreach (var key in b2j.Where(kv => kv.Value.Count > limit).Select(kv => kv.Key).ToList()) b2j.Remove(key);
        }

        int matched = 0;
        var queue = new Stack<(int alo, int ahi, int blo, int bhi)>();
        queue.Push((0, a.Length, 0, b.Length));
        while (queue.Count > 0)
        {
            var (alo, ahi, blo, bhi) = queue.Pop();
            var (i, j, k) = LongestMatch(a, b, b2j, alo, ahi, blo, bhi);
            if (k == 0) continue;
            matched += k;
            if (alo < i && blo < j) queue.Push((alo, i, blo, j));
            if (i + k < ahi && j + k < bhi) queue.Push((i + k, ahi, j + k, bhi));
        }
        return matched;
    }

    private static (int i, int j, int k) LongestMatch(int[] a, int[] b, Dictionary<int, List<int>> b2j, int alo, int ahi, int blo, int bhi)
    {
        int besti = alo, bestj = blo, bestsize = 0;
        var j2len = new Dictionary<int, int>();
        for (int i = alo; i < ahi; i++)
        {
            var next = new Dictionary<int, int>();
            if (b2j.TryGetValue(a[i], out var js))
                foreach (int j in js)
                {
                    if (j < blo) continue;
                    if (j >= bhi) break;
                    int k = next[j] = j2len.GetValueOrDefault(j - 1) + 1;
                    if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
                }
            j2len = next;
        }
        // With no junk function, difflib's junk-extension passes reduce to extending over equal (possibly popular) elements.
        while (besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1]) { besti--; bestj--; bestsize++; }
        while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize]) bestsize++;
        return (besti, bestj, bestsize);
    }
}
