namespace Code2Lora.Forge;

/// <summary>A small seeded generator (SplitMix64) whose sequence never depends on the .NET version.</summary>
internal sealed class ForgeRandom
{
    private ulong _state;

    public ForgeRandom(ulong seed) => _state = seed;

    /// <summary>An independent stream for a named purpose, so adding draws in one place does not shift another.</summary>
    public static ForgeRandom For(int seed, string purpose)
    {
        ulong h = 14695981039346656037UL;
        foreach (var c in purpose) { h ^= c; h *= 1099511628211UL; }
        return new ForgeRandom(h ^ (ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
    }

    public ulong NextULong()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [lo, hiExclusive).</summary>
    public int Int(int lo, int hiExclusive)
    {
        if (hiExclusive <= lo) return lo;
        return lo + (int)(NextULong() % (ulong)(hiExclusive - lo));
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public double Double() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => Double() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    /// <summary>A seeded Fisher-Yates shuffle into a new list.</summary>
    public List<T> Shuffled<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = Int(0, i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
