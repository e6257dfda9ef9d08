namespace Code2Lora.Runtime;

/// <summary>A small, version-stable PRNG (SplitMix64) so that splits and samples never change with the .NET runtime.</summary>
public sealed class SeededRandom
{
    private ulong _state;

    /// <summary>Creates a generator; the same seed always yields the same sequence on every platform.</summary>
    public SeededRandom(long seed) => _state = unchecked((ulong)seed);

    /// <summary>Derives an independent generator for a named sub-stream (e.g. one per repository).</summary>
    public static SeededRandom For(long seed, string stream)
    {
        ulong h = 1469598103934665603UL; // FNV-1a: a stable string hash (string.GetHashCode is randomised per process)
        foreach (char c in stream) { h ^= c; h *= 1099511628211UL; }
        return new SeededRandom(unchecked((long)(h ^ (ulong)seed)));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        return (int)(NextUInt64() % (ulong)maxExclusive); // modulo bias is < 2^-32 for the sizes used here
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
