namespace Code2Lora.Forge;

/// <summary>
/// Labels a benchmark task of a forged repository: <c>repo_specific</c> when its target mentions a surface of
/// one of the repository's facts (a name, value or expected output the fact has held at or before the commit),
/// otherwise <c>generic</c> (plain Python that no repository knowledge helps with).
/// </summary>
public static class TaskKindLabeler
{
    /// <summary>Label of tasks whose answer is only knowable from this repository.</summary>
    public const string RepoSpecific = "repo_specific";

    /// <summary>Label of control tasks (plain Python each repository draws for itself, which no repository knowledge helps with).</summary>
    public const string Generic = "generic";

    /// <summary>Labels <paramref name="target"/> of a task taken from commit <paramref name="commitIndex"/>.</summary>
    /// <remarks>Values retired before the commit still count: they are repository knowledge too (stale, but not generic).</remarks>
    public static string Label(GenomeManifest g, int commitIndex, string target)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (string.IsNullOrEmpty(target)) return Generic;
        foreach (var fact in g.Facts)
            foreach (var value in fact.History)
            {
                if (value.FromCommit > commitIndex) break;
                foreach (var surface in value.Surfaces)
                    if (Mentions(target, surface)) return RepoSpecific;
            }
        return Generic;
    }

    /// <summary>True when <paramref name="surface"/> occurs in <paramref name="text"/> not glued to a longer identifier or number.</summary>
    internal static bool Mentions(string text, string surface)
    {
        if (surface.Length == 0) return false;
        bool numeric = char.IsAsciiDigit(surface[0]);
        for (int at = text.IndexOf(surface, StringComparison.Ordinal); at >= 0; at = text.IndexOf(surface, at + 1, StringComparison.Ordinal))
        {
            int end = at + surface.Length;
            bool startOk = !IsWord(surface[0]) || at == 0 || !Glued(text[at - 1], numeric);
            bool endOk = !IsWord(surface[^1]) || end == text.Length || !Glued(text[end], numeric)
                || (numeric && text[end] == '.' && (end + 1 == text.Length || !char.IsAsciiDigit(text[end + 1])));
            if (startOk && endOk) return true;
        }
        return false;
    }

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool Glued(char neighbour, bool numeric) => IsWord(neighbour) || (numeric && neighbour == '.');
}
