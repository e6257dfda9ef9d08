using System.Diagnostics;
using System.Globalization;

namespace Code2Lora.Bench;

/// <summary>
/// An append-only table kept as immutable Parquet shards in one folder. Each append writes its rows to a new shard
/// (temporary name, flushed to disk, renamed into place), so a writer killed at any point loses only rows it had not
/// appended yet and a reader never sees half a shard. Shards are merged by level, <see cref="MergeFanIn"/> of level k into one
/// of level k+1, so a row is rewritten about log₁₆(rows) times in all, never with the whole table, and a folder holds few files.
/// </summary>
/// <remarks>Shard names are <c>part-{seq:D12}-L{level}-{id}.parquet</c>; rows of later shards (higher seq, then level) win when a
/// key appears twice, which happens only when a merge was killed between writing its shard and deleting its sources (both hold
/// the same rows). Appends from two processes at once need a lock around them (the embedding store holds <c>RunLock</c>).</remarks>
public sealed class ParquetShards<T>(string directory) where T : class, new()
{
    /// <summary>Shards of one level merged into one of the next level.</summary>
    public const int MergeFanIn = 16;

    private const string Prefix = "part-";
    private bool _swept;

    /// <summary>The folder holding the shards.</summary>
    public string Directory { get; } = directory;

    /// <summary>The committed shards, oldest first (temporary files of unfinished writes are never listed).</summary>
    public IReadOnlyList<string> Shards() => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.GetFiles(Directory, Prefix + "*.parquet")
            .Where(p => p.EndsWith(".parquet", StringComparison.Ordinal)).Select(p => (Path: p, Name: Parse(p)))
            .Where(s => s.Name is not null).OrderBy(s => s.Name!.Value.Seq).ThenBy(s => s.Name!.Value.Level)
            .ThenBy(s => s.Path, StringComparer.Ordinal).Select(s => s.Path).ToList()
        : [];

    /// <summary>Every row of every shard, oldest shard first. A shard deleted by a concurrent merge (whose merged shard is in place
    /// before its sources go) makes the listing start again.</summary>
    public async Task<IReadOnlyList<T>> ReadAllAsync()
    {
        for (int attempt = 0; ; attempt++)
        {
            var rows = new List<T>();
            try
            {
                foreach (var shard in Shards()) rows.AddRange(await ParquetTable.ReadAsync<T>(shard));
                return rows;
            }
            catch (FileNotFoundException) when (attempt < 8) { }
        }
    }

    /// <summary>Writes <paramref name="rows"/> as a new shard (nothing for no rows), then merges full levels;
    /// <paramref name="mergeRows"/> reduces the rows of shards being merged (oldest first), e.g. to the latest row per key.</summary>
    public async Task AppendAsync(IReadOnlyCollection<T> rows, Func<IEnumerable<T>, IEnumerable<T>>? mergeRows = null)
    {
        if (rows.Count == 0) return;
        System.IO.Directory.CreateDirectory(Directory);
        if (!_swept) RemoveAbandoned();
        _swept = true;
        var shards = Shards();
        long seq = shards.Count == 0 ? 1 : Parse(shards[^1])!.Value.Seq + 1;
        await ParquetTable.WriteAsync(ShardPath(seq, 0), rows);
        await MergeLevelsAsync(mergeRows ?? (r => r));
    }

    /// <summary>Deletes temporary shard files whose writer process is gone (a run killed mid-write leaves one).</summary>
    public void RemoveAbandoned()
    {
        if (!System.IO.Directory.Exists(Directory)) return;
        foreach (var tmp in System.IO.Directory.GetFiles(Directory, Prefix + "*.parquet.tmp-*"))
        {
            var pidText = tmp[(tmp.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..].Split('-')[0];
            if (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Running(pid)) File.Delete(tmp);
        }
    }

    private async Task MergeLevelsAsync(Func<IEnumerable<T>, IEnumerable<T>> mergeRows)
    {
        for (int level = 0; ; level++)
        {
            var same = Shards().Where(s => Parse(s)!.Value.Level == level).ToList();
            if (same.Count < MergeFanIn) return;
            var sources = same.Take(MergeFanIn).ToList();
            var rows = new List<T>();
            foreach (var s in sources) rows.AddRange(await ParquetTable.ReadAsync<T>(s));
            // The merged shard takes its newest source's seq: it sorts after every source and before later appends.
            await ParquetTable.WriteAsync(ShardPath(Parse(sources[^1])!.Value.Seq, level + 1), mergeRows(rows).ToList());
            foreach (var s in sources) File.Delete(s);
        }
    }

    private string ShardPath(long seq, int level) =>
        Path.Combine(Directory, $"{Prefix}{seq:D12}-L{level}-{Guid.NewGuid().ToString("N")[..8]}.parquet");

    private static (long Seq, int Level)? Parse(string path)
    {
        var parts = Path.GetFileNameWithoutExtension(path).Split('-');
        return parts.Length == 4 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
               && parts[2].StartsWith('L') && int.TryParse(parts[2][1..], NumberStyles.None, CultureInfo.InvariantCulture, out var level)
            ? (seq, level) : null;
    }

    private static bool Running(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
