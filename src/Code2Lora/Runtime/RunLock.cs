using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code2Lora.Runtime;

/// <summary>Who holds a <see cref="RunLock"/>: enough to find the process and to tell a live holder from a dead one.</summary>
public sealed record RunLockHolder
{
    /// <summary>Process id.</summary>
    public required int Pid { get; init; }
    /// <summary>Machine name (a pid means nothing on another host).</summary>
    public required string Host { get; init; }
    /// <summary>What the holder does (training, evaluation, embedding store, evo update).</summary>
    public required string Purpose { get; init; }
    /// <summary>The holder's command line.</summary>
    public required string Command { get; init; }
    /// <summary>When the lock was taken (UTC).</summary>
    public required DateTime SinceUtc { get; init; }
    /// <summary>When the holding process started (UTC): with the pid, it tells the holder from a later process that reused its pid.</summary>
    public DateTime? ProcessStartUtc { get; init; }

    /// <summary>"pid 4242 on host h (training: c2l train static --preset tiny, since 2026-12-03 18:00:01 UTC)".</summary>
    public override string ToString() => $"pid {Pid} on host {Host} ({Purpose}: {Command}, since {SinceUtc:yyyy-MM-dd HH:mm:ss} UTC)";
}

/// <summary>A run folder or store is in use by another process; the message names the holder and what to do.</summary>
public sealed class RunLockedException(string folder, RunLockHolder? holder, string message) : IOException(message)
{
    /// <summary>The locked folder.</summary>
    public string Folder { get; } = folder;
    /// <summary>The holder, when its description could be read.</summary>
    public RunLockHolder? Holder { get; } = holder;
}

/// <summary>An exclusive lock on a run folder or store, across processes: a second training, evaluation or embedding run on the
/// same folder fails at once with an error naming the holder instead of mixing its checkpoints and logs into the first one's.</summary>
/// <remarks>
/// The lock is an advisory <c>flock</c> on <c>.c2l.lock</c> (what .NET takes for <see cref="FileShare.None"/>), held while the
/// process works: the kernel drops it when the process dies, so a crash leaves no lock behind. The holder's pid, host and
/// command go to <c>.c2l.lock.json</c> beside it, because a flocked file cannot be read by another .NET process. Where the file
/// system ignores flock, the description is the fallback: a live process with the recorded pid and start time on this host
/// still holds the folder, while a dead one's record is stale and is taken over.
/// </remarks>
public sealed class RunLock : IDisposable
{
    /// <summary>The locked file's name inside the folder.</summary>
    public const string FileName = ".c2l.lock";

    /// <summary>The holder description's name inside the folder.</summary>
    public const string HolderFileName = ".c2l.lock.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly FileStream _stream;
    private int _released;

    private RunLock(string folder, FileStream stream, RunLockHolder holder, RunLockHolder? staleHolder)
    {
        Folder = folder;
        _stream = stream;
        Holder = holder;
        StaleHolder = staleHolder;
    }

    /// <summary>The locked folder (full path).</summary>
    public string Folder { get; }

    /// <summary>This process's description, as written beside the lock.</summary>
    public RunLockHolder Holder { get; }

    /// <summary>The previous holder when it had died without releasing (its record was stale and taken over), else null.</summary>
    public RunLockHolder? StaleHolder { get; }

    /// <summary>The lock of an evaluation writing into <paramref name="resultsDir"/>: the whole folder for one process (or the merge of
    /// shards), or only its own shard's part (<c>&lt;resultsDir&gt;/predictions/.shards/shard-k-of-N</c>) for a <c>--shard k/N</c> process, so
    /// N shard processes share one results folder (a cluster's shared file system) while two processes of the same shard are
    /// refused: each shard's work is claimed by one process.</summary>
    public static RunLock ForEvaluation(string resultsDir, Evaluation.Shard? shard) => shard is null
        ? Acquire(resultsDir, "evaluation")
        : Acquire(Path.Combine(resultsDir, "predictions", ".shards", shard.Tag), $"evaluation shard {shard}");

    /// <summary>Locks <paramref name="folder"/> (created if missing) for <paramref name="purpose"/>, or throws
    /// <see cref="RunLockedException"/> naming the process that holds it.</summary>
    public static RunLock Acquire(string folder, string purpose)
    {
        var full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        var lockPath = Path.Combine(full, FileName);
        var holderPath = Path.Combine(full, HolderFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(lockPath))
        {
            throw Locked(full, ReadHolder(holderPath), e);
        }
        var previous = ReadHolder(holderPath);
        if (previous is not null && IsAlive(previous))
        {
            // The flock was granted although the recorded holder runs: this file system ignores flock.
            stream.Dispose();
            throw Locked(full, previous, null);
        }
        var me = new RunLockHolder
        {
            Pid = Environment.ProcessId, Host = Environment.MachineName, Purpose = purpose,
            Command = CommandLine(), SinceUtc = DateTime.UtcNow, ProcessStartUtc = ProcessStartUtc(),
        };
        try
        {
            AtomicFile.WriteText(holderPath, JsonSerializer.Serialize(me, Json));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunLock(full, stream, me, previous);
    }

    /// <summary>The recorded holder of a folder's lock (given the folder or its holder file), or null when there is none or it cannot be read.</summary>
    public static RunLockHolder? ReadHolder(string folderOrHolderFile)
    {
        var path = Directory.Exists(folderOrHolderFile) ? Path.Combine(folderOrHolderFile, HolderFileName) : folderOrHolderFile;
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RunLockHolder>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="holder"/> is this host's process that is still running (same pid and start time);
    /// a holder on another host cannot be checked and counts as alive.</summary>
    public static bool IsAlive(RunLockHolder holder)
    {
        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return true;
        if (holder.Pid == Environment.ProcessId) return holder.ProcessStartUtc is not { } s || SameStart(s, ProcessStartUtc());
        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            if (process.HasExited) return false;
            return holder.ProcessStartUtc is not { } recorded || SameStart(recorded, process.StartTime.ToUniversalTime());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;   // no such process
        }
    }

    /// <summary>Removes the holder description and releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1) return;
        try
        {
            var path = Path.Combine(Folder, HolderFileName);
            if (ReadHolder(path) is { } h && h.Pid == Holder.Pid && h.Host == Holder.Host) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the lock itself is released below */ }
        // The locked file stays: deleting it would let a process that opened it just before hold a lock on an unlinked file.
        _stream.Dispose();
    }

    private static RunLockedException Locked(string folder, RunLockHolder? holder, Exception? inner)
    {
        var who = holder is null ? "another process (its description is missing)" : holder.ToString();
        var fix = holder is not null && !string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            ? $"wait for it to finish; if that process is gone, delete {Path.Combine(folder, HolderFileName)}"
            : "wait for it to finish or stop it, then run the same command again (finished steps are kept)";
        var e = new RunLockedException(folder, holder, $"{folder}: in use by {who}; {fix}.");
        if (inner is not null) e.Data["flock"] = inner.Message;
        return e;
    }

    private static bool SameStart(DateTime a, DateTime? b) => b is null || Math.Abs((a - b.Value).TotalSeconds) < 2;

    internal static DateTime? ProcessStartUtc()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return self.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The command line with the program as its name ("c2l train static …", not the path of c2l.dll).</summary>
    internal static string CommandLine()
    {
        var args = Environment.GetCommandLineArgs();
        return string.Join(' ', args.Take(1).Select(Path.GetFileNameWithoutExtension).Concat(args.Skip(1).Select(Quote)));
    }

    private static string Quote(string arg) => arg.Length > 0 && !arg.Any(char.IsWhiteSpace) ? arg : $"'{arg}'";
}
