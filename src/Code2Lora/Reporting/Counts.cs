using System.Globalization;

namespace Code2Lora.Reporting;

/// <summary>Counted nouns for messages: "1 file", "2 files", "1 repository", "0 repositories".</summary>
public static class Counts
{
    /// <summary><paramref name="n"/> and the noun in the number it needs; the plural defaults to the regular English one.</summary>
    public static string Of(long n, string singular, string? plural = null) =>
        n.ToString("N0", CultureInfo.InvariantCulture) + " " + (n == 1 ? singular : plural ?? Plural(singular));

    private static string Plural(string noun) =>
        noun.EndsWith('y') && noun.Length > 1 && !"aeiou".Contains(noun[^2]) ? noun[..^1] + "ies"
        : noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith("sh", StringComparison.Ordinal) || noun.EndsWith("ch", StringComparison.Ordinal) ? noun + "es"
        : noun + "s";
}
