namespace Code2Lora.Hub;

/// <summary>An exclusive lock on a ".lock" file. .NET takes FileShare.None as flock(LOCK_EX) on Unix, the same lock Python's filelock
/// takes, so c2l and huggingface_hub processes sharing one cache never write the same blob at once.</summary>
internal static class FileLock
{
    // EWOULDBLOCK on Linux (11) and macOS (35); ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows.
    private static readonly HashSet<int> HeldElsewhere = [11, 35, unchecked((int)0x80070020), unchecked((int)0x80070021)];

    /// <summary>Waits until the lock is free and returns it held; dispose to release. <paramref name="waiting"/> is called once when another
    /// process (or another download of the same blob in this one) holds it.</summary>
    public static async Task<FileStream> AcquireAsync(string path, Action? waiting, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (HeldElsewhere.Contains(e.HResult))
            {
                if (!told) waiting?.Invoke();
                told = true;
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HubException(HubErrorKind.LocalFile, $"cannot create the lock file {path} ({e.Message}); check that the download folder is writable.", e);
            }
        }
    }
}
