namespace Code2Lora.Runtime;

/// <summary>Writes files so that a reader (or a killed process) never sees half of one.</summary>
public static class AtomicFile
{
    /// <summary>Writes via a temporary sibling, flushes to disk, then renames over the target.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Async variant of <see cref="Write"/>.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s => { var b = new System.Text.UTF8Encoding(false).GetBytes(text); s.Write(b); });

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));
}
