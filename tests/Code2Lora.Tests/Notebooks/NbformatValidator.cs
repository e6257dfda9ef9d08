using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Code2Lora.Tests.Notebooks;

/// <summary>Validates a notebook as nbformat 4.5: with Jupyter's own nbformat package when python3 has it (Debian:
/// python3-nbformat, installed by scripts/install.sh), else by the rules the notebooks here can break (ids, version).</summary>
internal static partial class NbformatValidator
{
    private const string Script = """
        import sys, warnings, nbformat
        warnings.simplefilter("error")          # nbformat only warns about missing cell ids today; treat that as invalid
        nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)
        assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), f"nbformat {nb.nbformat}.{nb.nbformat_minor}, want 4.5"
        nbformat.validate(nb)
        """;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellId();

    /// <summary>Null when valid, else the reason.</summary>
    public static string? Validate(string path)
    {
        if (PythonHasNbformat()) return RunPython(path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (root.GetProperty("nbformat").GetInt32() != 4 || root.GetProperty("nbformat_minor").GetInt32() < 5) return "not nbformat 4.5";
        var ids = root.GetProperty("cells").EnumerateArray().Select(c => c.TryGetProperty("id", out var id) ? id.GetString() : null).ToList();
        if (ids.Any(id => id is null || !CellId().IsMatch(id))) return "a cell has no valid id";
        return ids.Distinct().Count() == ids.Count ? null : "cell ids are not unique";
    }

    private static readonly Lazy<bool> HasNbformat = new(() => Python("-c", "import nbformat").ExitCode == 0);

    private static bool PythonHasNbformat() => HasNbformat.Value;

    private static string? RunPython(string path)
    {
        var (code, stderr) = Python("-c", Script, path);
        return code == 0 ? null : stderr.Trim().Split('\n')[^1];
    }

    private static (int ExitCode, string Stderr) Python(params string[] args)
    {
        try
        {
            // Debian's interpreter: the python3-nbformat package installs there, not into another python3 on the PATH.
            var exe = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception) { return (-1, "python3 not found"); }
    }
}
