using System.Diagnostics;

namespace Code2Lora.Corpora;

/// <summary>An installed Debian package: its version and the Python-tree files it owns (from dpkg's database).</summary>
public sealed record DebianPackage(string Name, string Version, IReadOnlyList<string> OwnedFiles)
{
    /// <summary>Where Debian installs Python 3 modules; repository paths are taken relative to it.</summary>
    public const string DistPackages = "/usr/lib/python3/dist-packages/";

    /// <summary>Files under dist-packages (modules, data, tests), excluding egg/dist-info metadata, as (absolute, repo-relative) pairs.</summary>
    public IEnumerable<(string Absolute, string Relative)> PythonTreeFiles() =>
        OwnedFiles.Where(f => f.StartsWith(DistPackages, StringComparison.Ordinal))
            .Select(f => (f, f[DistPackages.Length..]))
            .Where(p => p.Item2.Length > 0 && !p.Item2.Split('/')[0].EndsWith(".dist-info") && !p.Item2.Split('/')[0].EndsWith(".egg-info"))
            .Where(p => File.Exists(p.f) && !Directory.Exists(p.f));

    /// <summary>Reads an installed package from dpkg; a clear error when dpkg is missing or the package is not installed.</summary>
    public static DebianPackage Query(string name)
    {
        var (versionCode, version, versionErr) = Run("dpkg-query", $"-W -f=${{Version}}\\n${{Status}} {name}");
        if (versionCode != 0 || !version.Contains("install ok installed"))
            throw new InvalidOperationException(
                $"Debian package '{name}' is not installed ({(versionErr.Trim().Length > 0 ? versionErr.Trim() : "status: " + version.Trim())}). " +
                "Run scripts/install.sh, which installs the packages listed in data/corpora/.");
        var (listCode, list, listErr) = Run("dpkg-query", $"-L {name}");
        if (listCode != 0) throw new InvalidOperationException($"dpkg-query -L {name} failed: {listErr.Trim()}");
        var files = list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return new DebianPackage(name, version.Split('\n')[0].Trim(), files);
    }

    private static (int code, string stdout, string stderr) Run(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args)
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' could not be run ({e.Message}): the Debian corpus needs a Debian-based system with dpkg.", e);
        }
    }
}
