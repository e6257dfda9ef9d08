using System.Globalization;
using System.Text.RegularExpressions;
using Code2Lora.Forge.Facts;

namespace Code2Lora.Forge;

/// <summary>
/// The strings that betray knowledge of a fact: its identifiers, its literal values and the literals its tests
/// expect. Literals the generic control could draw are dropped: they cannot show repository knowledge.
/// </summary>
internal static partial class FactSurfaces
{
    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])")]
    private static partial Regex NumberLiteral();

    /// <summary>Distinctive literals in a piece of source: string contents of 3+ characters, numbers that are not small integers.</summary>
    public static IEnumerable<string> LiteralsIn(string source)
    {
        foreach (Match m in StringLiteral().Matches(source))
            if (m.Groups[1].Value.Length >= 3) yield return m.Groups[1].Value;
        foreach (Match m in NumberLiteral().Matches(source))
        {
            var text = m.Value;
            bool smallInt = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < 100;
            if (!smallInt) yield return text;
        }
    }

    /// <summary>Sorted, distinct surfaces of <paramref name="fact"/> in its current state.</summary>
    public static IReadOnlyList<string> Of(Fact fact)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in fact.Identifiers) set.Add(id);
        foreach (var lit in fact.Literals()) if (!GenericDraw.CouldBeGeneric(lit)) set.Add(lit);
        for (int probe = 0; probe < fact.AvailableProbes; probe++)
            for (int variant = 0; variant < Fact.Variants; variant++)
                foreach (var target in fact.Probe(probe, variant).Targets)
                    foreach (var lit in LiteralsIn(target))
                        if (!GenericDraw.CouldBeGeneric(lit)) set.Add(lit);
        return set.ToList();
    }
}
