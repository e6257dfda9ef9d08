namespace Code2Lora.Forge;

/// <summary>
/// The literals a generic test may use, drawn from a repository's own stream: integers in [2, 100) and words from
/// <see cref="Words"/>, which no fact uses. Facts use numbers of at least 100 and prefixed names, so the two never overlap.
/// </summary>
internal sealed class GenericDraw(ForgeRandom rng)
{
    /// <summary>Words of generic string literals: fruits and colours, disjoint from every <see cref="Vocabulary"/> pool.</summary>
    public static readonly IReadOnlyList<string> Words =
    [
        "apple", "pear", "plum", "kiwi", "lime", "fig", "mango", "olive", "grape", "melon", "cherry", "lemon",
        "peach", "guava", "papaya", "quince", "amber", "coral", "ivory", "jade", "lilac", "mauve", "ochre", "teal",
        "umber", "violet", "azure", "cobalt", "indigo", "maroon", "russet", "sienna",
    ];

    /// <summary>The relative tolerance generic <c>pytest.approx</c> calls use (fact tests use 1e-6).</summary>
    public const string Tolerance = "1e-9";

    private static readonly HashSet<string> WordSet = new(Words, StringComparer.Ordinal);
    private static readonly char[] Separators = [' ', ',', ';', '|', '/', '-', '+', '.'];

    /// <summary>A uniform integer in [<paramref name="lo"/>, <paramref name="hi"/>), below 100 by default.</summary>
    public int Int(int lo = 2, int hi = 100) => rng.Int(lo, hi);

    /// <summary><paramref name="count"/> distinct integers in [2, 100), in draw order.</summary>
    public int[] DistinctInts(int count) => Distinct(count, () => rng.Int(2, 100));

    /// <summary><paramref name="count"/> distinct words of <see cref="Words"/>, in draw order.</summary>
    public string[] DistinctWords(int count) => Distinct(count, () => rng.Pick(Words));

    /// <summary>One of <paramref name="options"/>.</summary>
    public string Pick(IReadOnlyList<string> options) => rng.Pick(options);

    private static T[] Distinct<T>(int count, Func<T> draw)
    {
        var picked = new List<T>(count);
        while (picked.Count < count)
        {
            var next = draw();
            if (!picked.Contains(next)) picked.Add(next);
        }
        return [.. picked];
    }

    /// <summary>
    /// True when a literal could come from a generic test (words of <see cref="Words"/> and small integers joined by
    /// separators, or the generic tolerance); such a literal shows no repository knowledge, so it is never a fact surface.
    /// </summary>
    public static bool CouldBeGeneric(string literal)
    {
        if (literal == Tolerance) return true;
        var parts = literal.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        return parts.Any(WordSet.Contains)
            && parts.All(p => WordSet.Contains(p) || (p.Length <= 2 && p.All(char.IsAsciiDigit)));
    }
}
