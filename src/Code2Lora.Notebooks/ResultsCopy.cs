namespace Code2Lora.Notebooks;

/// <summary>The results/ folder a <c>--out</c> run writes to: a copy of the checkout's committed results beside the executed notebooks.</summary>
/// <remarks>The runner does not reference Code2Lora (cells load it from the build), so it makes the copy itself before any cell runs;
/// the library's RepoPaths.Results then finds it in place through C2L_RESULTS.</remarks>
public static class ResultsCopy
{
    /// <summary>The environment variable the library's RepoPaths.Results reads.</summary>
    public const string Variable = "C2L_RESULTS";

    /// <summary>Copies the committed results/ of the checkout above the current directory into <paramref name="dir"/> unless it exists,
    /// and points C2L_RESULTS at it for this process and the kernel's cells.</summary>
    public static string Redirect(string dir)
    {
        var full = Path.GetFullPath(dir);
        if (!Directory.Exists(full) && CheckoutResults() is { } committed)
        {
            var staging = full + ".seeding";
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            foreach (var file in Directory.EnumerateFiles(committed, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(staging, Path.GetRelativePath(committed, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            Directory.CreateDirectory(staging);
            Directory.Move(staging, full);   // whole or not at all
        }
        Directory.CreateDirectory(full);
        Environment.SetEnvironmentVariable(Variable, full);
        return full;
    }

    private static string? CheckoutResults()
    {
        foreach (var start in new[] { Environment.GetEnvironmentVariable("C2L_ROOT"), Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Code2Lora.sln")))
                    return Directory.Exists(Path.Combine(dir.FullName, "results")) ? Path.Combine(dir.FullName, "results") : null;
        return null;
    }
}
