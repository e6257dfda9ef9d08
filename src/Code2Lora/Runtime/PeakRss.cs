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
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
