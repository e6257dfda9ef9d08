namespace Code2Lora.Corpora;

/// <summary>Reads a corpus list: one Debian package name per line, '#' starts a comment.</summary>
public static class PackageList
{
    /// <summary>The package names of a list file, in file order, without duplicates.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"corpus list not found: {path}", path);
        return File.ReadLines(path)
            .Select(l => { int h = l.IndexOf('#'); return (h >= 0 ? l[..h] : l).Trim(); })
            .Where(l => l.Length > 0)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0])
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
