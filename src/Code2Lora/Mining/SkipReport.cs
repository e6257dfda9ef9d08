using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Code2Lora.Runtime;

namespace Code2Lora.Mining;

/// <summary>One recorded skip: a file (with <see cref="Path"/>) or a whole repository (<see cref="Path"/> null).</summary>
public sealed record SkipEntry(string RepoId, string? Path, SkipReason Reason, string? Detail);

/// <summary>Everything that was not used during a run, by repository and by reason. Thread-safe.</summary>
public sealed class SkipReport
{
    private readonly object gate = new();
    private readonly List<SkipEntry> entries = [];

    /// <summary>Records a skipped file of <paramref name="repoId"/>.</summary>
    public void Add(string repoId, SkippedFile file)
    {
        lock (gate) entries.Add(new SkipEntry(repoId, file.Path, file.Reason, file.Detail));
    }

    /// <summary>Records every skipped file of a snapshot.</summary>
    public void AddAll(Snapshot snapshot)
    {
        lock (gate) entries.AddRange(snapshot.Skipped.Select(f => new SkipEntry(snapshot.RepoId, f.Path, f.Reason, f.Detail)));
    }

    /// <summary>Records a repository-level failure (e.g. RepoFailed, NoTests, EmptyRepository).</summary>
    public void Add(string repoId, SkipReason reason, string? detail)
    {
        lock (gate) entries.Add(new SkipEntry(repoId, null, reason, detail));
    }

    /// <summary>A copy of every entry, in the order they were added.</summary>
    public IReadOnlyList<SkipEntry> Entries
    {
        get { lock (gate) return entries.ToList(); }
    }

    /// <summary>How many entries each reason has (reasons with none are absent).</summary>
    public IReadOnlyDictionary<SkipReason, int> Counts
    {
        get { lock (gate) return entries.GroupBy(e => e.Reason).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()); }
    }

    /// <summary>The entries of one repository.</summary>
    public IReadOnlyList<SkipEntry> ForRepo(string repoId)
    {
        lock (gate) return entries.Where(e => e.RepoId == repoId).ToList();
    }

    /// <summary>The repositories that have at least one entry, sorted.</summary>
    public IReadOnlyList<string> Repos
    {
        get { lock (gate) return entries.Select(e => e.RepoId).Distinct().Order(StringComparer.Ordinal).ToList(); }
    }

    /// <summary>A human-readable summary: counts by reason, then repository-level failures, then per-repository file counts.</summary>
    public string ToMarkdown()
    {
        var all = Entries;
        var sb = new StringBuilder("# Skipped files and repositories\n\n| reason | count |\n|---|---:|\n");
        foreach (var (reason, count) in Counts) sb.Append($"| {reason} | {count} |\n");
        var repoLevel = all.Where(e => e.Path is null).ToList();
        if (repoLevel.Count > 0)
        {
            sb.Append("\n## Repositories\n\n| repository | reason | detail |\n|---|---|---|\n");
            foreach (var e in repoLevel) sb.Append($"| {Cell(e.RepoId)} | {e.Reason} | {Cell(e.Detail)} |\n");
        }
        var perRepo = all.Where(e => e.Path is not null).GroupBy(e => e.RepoId).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (perRepo.Count > 0)
        {
            sb.Append("\n## Files by repository\n\n| repository | files | reasons |\n|---|---:|---|\n");
            foreach (var g in perRepo)
            {
                var reasons = string.Join(", ", g.GroupBy(e => e.Reason).OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Count()}"));
                sb.Append($"| {Cell(g.Key)} | {g.Count()} | {reasons} |\n");
            }
        }
        return sb.ToString();
    }

    private static string Cell(string? s) => (s ?? "").Replace("|", "\\|").Replace('\n', ' ');

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The whole report as JSON: counts by reason and every entry.</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(new { counts = Counts.ToDictionary(k => k.Key.ToString(), k => k.Value), entries = Entries }, JsonOptions);

    /// <summary>Writes <see cref="ToJson"/> and <see cref="ToMarkdown"/> atomically to <paramref name="jsonPath"/> and its .md sibling.</summary>
    public void Write(string jsonPath)
    {
        AtomicFile.WriteText(jsonPath, ToJson());
        AtomicFile.WriteText(System.IO.Path.ChangeExtension(jsonPath, ".md"), ToMarkdown());
    }
}
