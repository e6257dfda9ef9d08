using System.Text;
using System.Text.Json;

namespace Code2Lora.Runtime;

/// <summary>
/// An atomic claim on one unit of per-repository work (docs/sharding.md, "Claims"): a file <c>{folder}/{item}.claim</c> created
/// with O_EXCL semantics (<see cref="FileMode.CreateNew"/>) and holding the claimer's pid, host, command and time, so two
/// processes working through the same repository list (on one machine or on a shared file system) never take the same one.
/// A claim whose holder is a dead process on this host (<see cref="RunLock.IsAlive"/>: pid gone, or reused by a later process)
/// is stale and is taken over; a holder on another host cannot be checked and keeps its claim until someone deletes the file.
/// </summary>
public sealed class WorkClaim : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
    private int _released;

    private WorkClaim(string path, RunLockHolder holder, RunLockHolder? staleHolder) => (Path, Holder, StaleHolder) = (path, holder, staleHolder);

    /// <summary>The claim file.</summary>
    public string Path { get; }
    /// <summary>This process, as the claim records it.</summary>
    public RunLockHolder Holder { get; }
    /// <summary>The dead holder whose claim this one took over, if any.</summary>
    public RunLockHolder? StaleHolder { get; }

    /// <summary>Claims <paramref name="item"/> in <paramref name="folder"/>; null when a live process holds it.</summary>
    public static WorkClaim? TryClaim(string folder, string item, string purpose)
    {
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), FileName(item));
        var me = new RunLockHolder
        {
            Pid = Environment.ProcessId, Host = Environment.MachineName, Purpose = purpose,
            Command = RunLock.CommandLine(), SinceUtc = DateTime.UtcNow, ProcessStartUtc = RunLock.ProcessStartUtc(),
        };
        RunLockHolder? stale = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                {
                    fs.Write(JsonSerializer.SerializeToUtf8Bytes(me, Json));
                    fs.Flush(flushToDisk: true);
                }
                return new WorkClaim(path, me, stale);
            }
            catch (IOException)
            {
                // The holder may have released its claim since CreateNew failed: try again (a failure with no claim in the way
                // three times running is a real I/O error, and is thrown).
                if (!File.Exists(path))
                {
                    if (attempt == 2) throw;
                    continue;
                }
                var (holder, text) = Read(path);
                // A claim being written right now reads as empty: its writer is alive, unless the file is old.
                if (holder is null && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromMinutes(1)) return null;
                if (holder is not null && RunLock.IsAlive(holder)) return null;
                // Stale: move it aside under a name of our own (only one taker's move succeeds), then check that what moved is the
                // stale claim we read and not a fresh one another taker made in between; if it is fresh, put it back.
                var aside = path + $".stale-{Environment.ProcessId}-{Guid.NewGuid():N}";
                try { File.Move(path, aside); }
                catch (FileNotFoundException) { continue; }
                if (Read(aside).Text != text)
                {
                    try { File.Move(aside, path); } catch (IOException) { }
                    return null;
                }
                File.Delete(aside);
                stale = holder;
            }
        }
        return null;
    }

    /// <summary>The live holder of <paramref name="item"/>'s claim in <paramref name="folder"/>, or null.</summary>
    public static RunLockHolder? HolderOf(string folder, string item)
    {
        var path = System.IO.Path.Combine(folder, FileName(item));
        return File.Exists(path) && Read(path).Holder is { } h && RunLock.IsAlive(h) ? h : null;
    }

    /// <summary>The claim file name of an item: readable, with a hash so distinct ids never share a file.</summary>
    public static string FileName(string item)
    {
        var safe = new string(item.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(item)))[..8];
        return $"{safe}-{hash}.claim";
    }

    private static (RunLockHolder? Holder, string Text) Read(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return (text.Length == 0 ? null : JsonSerializer.Deserialize<RunLockHolder>(text, Json), text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return (null, ""); }
    }

    /// <summary>Releases the claim (deletes its file); the work's own output, not the claim, says whether it is done.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1) return;
        try { File.Delete(Path); } catch (IOException) { }
    }
}
