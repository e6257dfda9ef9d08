using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Code2Lora.Mining;

/// <summary>Why a file or a repository was left out.</summary>
public enum SkipReason
{
    Binary, InvalidUtf8, TooLarge, Symlink, Submodule, SkippedDirectory, Empty,
    /// <summary>A Python file that does not tokenize or parse.</summary>
    SyntaxError,
    /// <summary>A whole repository failed (missing, unreadable, no commits…); the build went on without it.</summary>
    RepoFailed,
    /// <summary>A repository with fewer tasks than the benchmark's minimum.</summary>
    TooFewTasks,
    /// <summary>A history in which no commit adds or changes an assertion.</summary>
    NoKeptCommits,
}

/// <summary>A file that was not read, with the reason.</summary>
public sealed record SkippedFile(string Path, SkipReason Reason, string? Detail);

/// <summary>A repository-level or file-level skip, as recorded.</summary>
public sealed record SkipEntry(string RepoId, string? Path, SkipReason Reason, string? Detail);

/// <summary>Everything left out of a build, by reason; thread-safe so parallel repository workers can share one.</summary>
public sealed class SkipReport
{
    private readonly ConcurrentQueue<SkipEntry> _entries = new();

    /// <summary>Records a skipped file of a repository.</summary>
    public void Add(string repoId, SkippedFile file) => _entries.Enqueue(new SkipEntry(repoId, file.Path, file.Reason, file.Detail));

    /// <summary>Records a repository-level skip or failure.</summary>
    public void AddRepo(string repoId, SkipReason reason, string? detail) => _entries.Enqueue(new SkipEntry(repoId, null, reason, detail));

    /// <summary>All entries, ordered by repository, then path, for stable reports.</summary>
    public IReadOnlyList<SkipEntry> Entries => _entries.OrderBy(e => e.RepoId, StringComparer.Ordinal)
        .ThenBy(e => e.Path ?? "", StringComparer.Ordinal).ThenBy(e => e.Reason).ThenBy(e => e.Detail ?? "", StringComparer.Ordinal).ToList();

    /// <summary>Number of entries per reason.</summary>
    public IReadOnlyDictionary<SkipReason, int> Counts =>
        _entries.GroupBy(e => e.Reason).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Counts per reason, every repository-level entry, and up to <paramref name="examples"/> file examples per reason.</summary>
    public string ToMarkdown(int examples = 10)
    {
        var entries = Entries;
        var sb = new StringBuilder();
        if (entries.Count == 0) return "Nothing was skipped.\n";
        sb.AppendLine("| reason | files | repositories |").AppendLine("|---|---:|---:|");
        foreach (var g in entries.GroupBy(e => e.Reason).OrderBy(g => g.Key))
            sb.AppendLine($"| {g.Key} | {g.Count(e => e.Path is not null)} | {g.Count(e => e.Path is null)} |");
        var repoLevel = entries.Where(e => e.Path is null).ToList();
        if (repoLevel.Count > 0)
        {
            sb.AppendLine().AppendLine("Repositories:").AppendLine();
            foreach (var e in repoLevel) sb.AppendLine($"- `{e.RepoId}` {e.Reason}: {e.Detail}");
        }
        sb.AppendLine().AppendLine("File examples:").AppendLine();
        foreach (var g in entries.Where(e => e.Path is not null).GroupBy(e => e.Reason).OrderBy(g => g.Key))
            foreach (var e in g.Take(examples))
                sb.AppendLine($"- {g.Key}: `{e.RepoId}:{e.Path}`{(e.Detail is null ? "" : " — " + e.Detail.Replace('\n', ' '))}");
        return sb.ToString();
    }

    /// <summary>Counts and every entry as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        counts = Counts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
        entries = Entries.Select(e => new { repo_id = e.RepoId, path = e.Path, reason = e.Reason.ToString(), detail = e.Detail }),
    }, new JsonSerializerOptions { WriteIndented = true });
}
