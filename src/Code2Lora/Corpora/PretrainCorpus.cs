using System.Security.Cryptography;
using System.Text;
using Code2Lora.Mining;

namespace Code2Lora.Corpora;

/// <summary>One Python source file of a corpus, with the package it came from.</summary>
public sealed record CorpusFile(string Package, string Path, string Text);

/// <summary>
/// The pretraining corpus of the tiny code LM: the <c>.py</c> files of the pretraining packages, minus every file that a
/// benchmark package also owns, split into train and held-out by a stable hash of the path (so the split never
/// depends on the order packages are listed or installed).
/// </summary>
public sealed class PretrainCorpus
{
    /// <summary>Files the model trains on, in a deterministic order (package list order, then path).</summary>
    public required IReadOnlyList<CorpusFile> Train { get; init; }

    /// <summary>Files held out for the validation loss.</summary>
    public required IReadOnlyList<CorpusFile> HeldOut { get; init; }

    /// <summary>Files that could not be used (binary, invalid UTF-8, too large, owned by a benchmark package, …) and why.</summary>
    public required SkipReport Skipped { get; init; }

    /// <summary>Packages that are not installed or own no Python files, with the reason.</summary>
    public required IReadOnlyList<(string Package, string Reason)> MissingPackages { get; init; }

    /// <summary>UTF-16 characters of the training files.</summary>
    public long TrainChars => Train.Sum(f => (long)f.Text.Length);

    /// <summary>Reads the installed <paramref name="packages"/>; files owned by any of <paramref name="excludedPackages"/>
    /// (the benchmark's) are left out so the base model never saw the benchmark's code.</summary>
    public static PretrainCorpus Collect(IReadOnlyList<string> packages, IEnumerable<string> excludedPackages, MiningRules rules,
        double heldOutFraction, IProgress<(int Done, int Total, string Name)>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(heldOutFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(heldOutFraction, 1.0);
        var excludedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in excludedPackages)
        {
            try { excludedFiles.UnionWith(DebianPackage.Query(name).OwnedFiles); }
            catch (InvalidOperationException) { }   // a benchmark package that is not installed owns nothing here
        }
        var train = new List<CorpusFile>();
        var heldOut = new List<CorpusFile>();
        var skipped = new SkipReport();
        var missing = new List<(string, string)>();
        for (var i = 0; i < packages.Count; i++)
        {
            progress?.Report((i, packages.Count, packages[i]));
            DebianPackage package;
            try { package = DebianPackage.Query(packages[i]); }
            catch (InvalidOperationException e) { missing.Add((packages[i], e.Message)); continue; }
            var files = package.PythonTreeFiles().Where(f => f.Relative.EndsWith(".py", StringComparison.Ordinal))
                .OrderBy(f => f.Relative, StringComparer.Ordinal).ToList();
            if (files.Count == 0) { missing.Add((package.Name, "owns no .py files under " + DebianPackage.DistPackages)); continue; }
            foreach (var (absolute, relative) in files)
            {
                if (excludedFiles.Contains(absolute))
                {
                    skipped.Add(package.Name, new SkippedFile(relative, SkipReason.InBenchmark, "also owned by a benchmark package"));
                    continue;
                }
                var text = ReadText(absolute, relative, rules, out var skip);
                if (text is null) { skipped.Add(package.Name, skip!); continue; }
                var file = new CorpusFile(package.Name, relative, text);
                (IsHeldOut(relative, heldOutFraction) ? heldOut : train).Add(file);
            }
        }
        progress?.Report((packages.Count, packages.Count, ""));
        return new PretrainCorpus { Train = train, HeldOut = heldOut, Skipped = skipped, MissingPackages = missing };
    }

    /// <summary>The non-test <c>.py</c> files of the benchmark's packages: text the base model must not have seen,
    /// on which its held-out loss says how well it knows the benchmark's kind of code.</summary>
    public static IReadOnlyList<CorpusFile> BenchmarkProductionCode(IEnumerable<string> packages, MiningRules rules)
    {
        var result = new List<CorpusFile>();
        foreach (var name in packages)
        {
            DebianPackage package;
            try { package = DebianPackage.Query(name); }
            catch (InvalidOperationException) { continue; }
            foreach (var (absolute, relative) in package.PythonTreeFiles().OrderBy(f => f.Relative, StringComparer.Ordinal))
            {
                if (!relative.EndsWith(".py", StringComparison.Ordinal) || FileRules.IsTestPath(relative, rules.TestRule)) continue;
                if (ReadText(absolute, relative, rules, out _) is { } text && !FileRules.IsTestFile(relative, text, rules.TestRule))
                    result.Add(new CorpusFile(package.Name, relative, text));
            }
        }
        return result;
    }

    /// <summary>True when <paramref name="path"/> falls in the held-out share (first 8 bytes of its SHA-256, as a fraction).</summary>
    public static bool IsHeldOut(string path, double fraction)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(path), hash);
        var u = BitConverter.ToUInt64(hash[..8]) / (double)ulong.MaxValue;
        return u < fraction;
    }

    private static string? ReadText(string absolute, string relative, MiningRules rules, out SkippedFile? skipped)
    {
        try { return SourceText.Decode(relative, File.ReadAllBytes(absolute), rules, out skipped); }
        catch (IOException e) { skipped = new SkippedFile(relative, SkipReason.Unreadable, e.Message); return null; }
        catch (UnauthorizedAccessException e) { skipped = new SkippedFile(relative, SkipReason.Unreadable, e.Message); return null; }
    }
}
