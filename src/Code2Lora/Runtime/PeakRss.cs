using System.Diagnostics;

namespace Code2Lora.Runtime;

/// <summary>The process's peak resident memory (VmHWM on Linux), resettable so one measurement reports its own peak.</summary>
public static class PeakRss
{
    /// <summary>Resets the peak to the current RSS; writing "5" to clear_refs does that on Linux ≥ 4.0 (elsewhere the peak stays process-wide).</summary>
    public static void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* not Linux: the peak is process-wide */ }
    }

    /// <summary>Peak RSS in MiB since the last <see cref="Reset"/> (or process start).</summary>
    public static double MiB()
    {
        if (KibField("/proc/self/status", "VmHWM") is { } kib) return kib / 1024.0;
        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>A "Key: N kB" field of a /proc file (status, meminfo), or null when the file or the key is absent.</summary>
    /// <remarks>The kernel pads the number to 8 columns after a tab, so from 10 GB up the field reads "VmHWM:\t12345678 kB":
    /// split on any whitespace, never on spaces alone.</remarks>
    public static long? KibField(string path, string key)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var parts = line[(key.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 0 && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v : throw new FormatException($"{path}: cannot read the number in '{line}'.");
        }
        return null;
    }
}
