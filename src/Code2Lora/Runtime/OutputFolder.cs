namespace Code2Lora.Runtime;

/// <summary>Checks, before long work starts, that its results can be written where they are asked for: an unwritable folder
/// found after an hour of training would cost the hour.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="dir"/> if needed and writes and deletes a probe file in it; returns the full path.</summary>
    /// <exception cref="IOException">The folder cannot be created or written; the message names it and the fix.</exception>
    public static string Check(string dir)
    {
        var full = Path.GetFullPath(dir);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".c2l-write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{dir}: cannot write there ({e.Message.TrimEnd('.')}); choose another folder with --out or fix its permissions.", e);
        }
    }

    /// <summary>Checks the folder that will hold <paramref name="file"/>; returns the file's full path.</summary>
    public static string CheckFileFolder(string file)
    {
        var full = Path.GetFullPath(file);
        Check(Path.GetDirectoryName(full)!);
        return full;
    }
}
