using System.Globalization;

namespace Code2Lora.Forge;

/// <summary>A repository's naming convention (prefix, where it goes, casing) and the registry that keeps names unique.</summary>
internal sealed class NameForge
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public NameForge(string prefix, bool prefixFirst, bool upperClassPrefix)
    {
        Prefix = prefix;
        PrefixFirst = prefixFirst;
        UpperClassPrefix = upperClassPrefix;
    }

    /// <summary>The repository's short prefix, e.g. <c>zq</c>.</summary>
    public string Prefix { get; }

    /// <summary>True: <c>zq_format_station</c>; false: <c>format_zq_station</c>.</summary>
    public bool PrefixFirst { get; }

    /// <summary>True: <c>ZQStation</c>; false: <c>ZqStation</c>.</summary>
    public bool UpperClassPrefix { get; }

    public string ClassPrefix => UpperClassPrefix ? Prefix.ToUpperInvariant() : Pascal(Prefix);

    /// <summary>Draws a convention from the seed.</summary>
    public static NameForge Draw(ForgeRandom rng) =>
        new(rng.Pick(Vocabulary.PrefixStarts) + rng.Pick(Vocabulary.PrefixEnds), rng.Chance(0.5), rng.Chance(0.3));

    public string Function(string verb, string noun) => Claim(PrefixFirst ? $"{Prefix}_{verb}_{noun}" : $"{verb}_{Prefix}_{noun}");

    public string Constant(string noun, string attr) => Claim(ConstantCandidate(noun, attr));

    public string Class(string noun, string suffix = "") => Claim(ClassPrefix + Pascal(noun) + suffix);

    /// <summary>True when no fact has claimed <paramref name="name"/>.</summary>
    public bool IsFree(string name) => !_used.Contains(name);

    /// <summary>The constant name for <paramref name="noun"/> and <paramref name="attr"/>, without claiming it.</summary>
    public string ConstantCandidate(string noun, string attr) => $"{Prefix.ToUpperInvariant()}_{noun.ToUpperInvariant()}_{attr}";

    /// <summary>Marks a name as taken, suffixing a digit when it already is (so two facts never share a name).</summary>
    public string Claim(string name)
    {
        var candidate = name;
        for (int i = 2; !_used.Add(candidate); i++) candidate = name.EndsWith('_') ? name + i : $"{name}{i}";
        return candidate;
    }

    public static string Pascal(string snake) =>
        string.Concat(snake.Split('_', ' ', '-').Where(p => p.Length > 0)
            .Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]));
}
