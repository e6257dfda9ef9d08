namespace Code2Lora.Encoders;

/// <summary>What recipe (a) knows about one embedded file besides its vector.</summary>
public sealed record FileFacts(string Path, float[] Vector, int TokenCount, int Lines);

/// <summary>Recipe (a)'s file weights: softmax(score / τ) over the files of one repository (paper-notes §1.2a).</summary>
public static class FileImportance
{
    private static readonly string[] Boring = ["__init__.py", "setup.py", "conf.py", "version.py", "constant.py", "constants.py"];
    private static readonly string[] CoreDirectories = ["src", "core", "lib"];

    /// <summary>
    /// score = 1.0·distinct + 0.3·size01 + path_bonus + depth_bonus + 0.15·log(min(lines/20, 1) + 1e-6), where distinct =
    /// 1 − cos(f_i, mean of the L2-normalised f), size01 = log1p(tokens) min-max scaled in the repository (0 when all equal).
    /// </summary>
    public static double[] Scores(IReadOnlyList<FileFacts> files)
    {
        var centre = VectorPooling.Mean(files.Select(f => VectorPooling.L2Normalise(f.Vector)).ToList());
        var logSizes = files.Select(f => Math.Log(1 + f.TokenCount)).ToArray();
        double lo = logSizes.Min(), hi = logSizes.Max();
        return files.Select((f, i) =>
        {
            var distinct = 1 - VectorPooling.Cosine(f.Vector, centre);
            var size01 = hi > lo ? (logSizes[i] - lo) / (hi - lo) : 0;
            var tiny = Math.Min(f.Lines / 20.0, 1.0);
            return 1.0 * distinct + 0.3 * size01 + PathBonus(f.Path) + DepthBonus(f.Path) + 0.15 * Math.Log(tiny + 1e-6);
        }).ToArray();
    }

    /// <summary>softmax(score / τ), computed stably.</summary>
    public static double[] Weights(IReadOnlyList<FileFacts> files, double tau)
    {
        var z = Scores(files).Select(s => s / tau).ToArray();
        var max = z.Max();
        var e = z.Select(x => Math.Exp(x - max)).ToArray();
        var sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    /// <summary>−0.25 for boilerplate names (__init__, setup, conf, version, constant(s), typing*.py); +0.15 under src/, core/, lib/ or for README/CONTRIBUTING; both can apply.</summary>
    public static double PathBonus(string path)
    {
        var parts = path.Split('/');
        var name = parts[^1];
        double bonus = 0;
        if (Boring.Contains(name, StringComparer.Ordinal) || (name.StartsWith("typing", StringComparison.Ordinal) && name.EndsWith(".py", StringComparison.Ordinal)))
            bonus -= 0.25;
        if (parts[..^1].Any(d => CoreDirectories.Contains(d, StringComparer.Ordinal)) ||
            name.StartsWith("README", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CONTRIBUTING", StringComparison.OrdinalIgnoreCase))
            bonus += 0.15;
        return bonus;
    }

    /// <summary>+0.2 for a file at the repository root, +0.1 one directory down, 0 deeper.</summary>
    public static double DepthBonus(string path) => path.Count(c => c == '/') switch { 0 => 0.2, 1 => 0.1, _ => 0 };
}
