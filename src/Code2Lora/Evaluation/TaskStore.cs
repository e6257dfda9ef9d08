using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code2Lora.Evaluation;

/// <summary>The per-task prediction store of one method and split: JSON lines {"key", "row"} appended and flushed batch by batch, so a
/// killed evaluation loses at most the batch it was decoding. A process writes its own file (&lt;split&gt;.tasks.jsonl, or
/// &lt;split&gt;.tasks.shard-k-of-N.jsonl for a shard); readers take every file of the split, so shard files copied together merge.</summary>
internal sealed class TaskStore : IDisposable
{
    private readonly StreamWriter writer;

    private TaskStore(StreamWriter writer) => this.writer = writer;

    private sealed record Line([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("row")] PredictionRow Row);

    /// <summary>Opens (appending) this process's store file for <paramref name="split"/>.</summary>
    public static TaskStore Open(string dir, string split, Shard? shard)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{split}.tasks{(shard is null ? "" : "." + shard.Tag)}.jsonl");
        return new TaskStore(new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)));
    }

    /// <summary>Appends rows and flushes them to disk.</summary>
    public void Append(IEnumerable<(string Key, PredictionRow Row)> rows)
    {
        foreach (var (key, row) in rows) writer.WriteLine(JsonSerializer.Serialize(new Line(key, row)));
        writer.Flush();
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>Every stored row of <paramref name="split"/> by task key, from all of the split's store files. A line cut short by a
    /// crash (the last one of a file) is skipped; its task is decoded again.</summary>
    public static Dictionary<string, PredictionRow> ReadAll(string dir, string split)
    {
        var rows = new Dictionary<string, PredictionRow>(StringComparer.Ordinal);
        foreach (var file in Files(dir, split))
            foreach (var text in File.ReadLines(file))
            {
                if (text.Length == 0) continue;
                try
                {
                    if (JsonSerializer.Deserialize<Line>(text) is { Key: not null, Row: not null } line) rows[line.Key] = line.Row;
                }
                catch (JsonException) { /* a line cut short by a crash: that task is decoded again */ }
            }
        return rows;
    }

    /// <summary>Removes every store file of <paramref name="split"/> (once the whole split is saved as Parquet).</summary>
    public static void Delete(string dir, string split)
    {
        foreach (var file in Files(dir, split)) File.Delete(file);
    }

    private static IEnumerable<string> Files(string dir, string split) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, $"{split}.tasks*.jsonl").Order(StringComparer.Ordinal) : [];

    /// <inheritdoc/>
    public void Dispose() => writer.Dispose();
}
