using System.Text.RegularExpressions;
using Code2Lora.Bench;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation.Context;

/// <summary>What the oracle put before one task: the file it read (null when none), whether the whole file fitted, whether the task's
/// target occurs verbatim in the context (a base that can copy must then solve it) and whether every surface of the fact's current
/// state that the target names does (the answer's repository-specific part is there, if not the whole target string).</summary>
public sealed record OracleLookup(string? Context, string? File, string? FactId, bool WholeFile, bool TargetVisible, string? Reason)
{
    /// <summary>Every current surface of the fact that the target names occurs in the context.</summary>
    public bool SurfacesVisible { get; init; }
}

/// <summary>
/// docs/forge.md's fairness check 2: the context is the file that defines the fact a forge task is about (<see cref="TaskFacts"/>), read
/// from the forged git repository at the task's commit, so it holds the fact's value at that commit and no later one. It gets the room
/// any context method gets (<see cref="CompletionSettings.WithContextRoom"/>: what the cut prefix leaves of the prompt cap); a file
/// longer than that keeps the whole lines around the definition, so the answer is never cut off by the prompt's left cut.
/// </summary>
public sealed partial class OracleContext : IContextProvider
{
    private readonly IReadOnlyDictionary<string, (GenomeManifest Genome, string Path)> repos;
    private readonly ITextTokenizer tokenizer;
    private readonly CompletionSettings settings;
    private readonly MiningRules rules;
    private readonly Dictionary<QnaRow, OracleLookup> lookups = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string Repo, string Sha, string Path), string?> files = new();

    /// <summary>Separator after the file, as RAG's chunks end (the authors' "\n\n\n").</summary>
    public const string Separator = "\n\n\n";

    /// <summary>Reason of a task whose target names no fact (a generic task).</summary>
    public const string NoFact = "no-fact";

    /// <summary>Reason of a task whose fact no longer exists at its commit.</summary>
    public const string FactGone = "fact-gone";

    /// <summary>An oracle over forged repositories (repository id → genome and working-tree folder), fitting contexts into the room
    /// <paramref name="contextSettings"/> (the context methods' decoding settings) leaves beside each prefix.</summary>
    public OracleContext(IReadOnlyDictionary<string, (GenomeManifest Genome, string Path)> repos, ITextTokenizer tokenizer, CompletionSettings contextSettings, MiningRules? rules = null)
    {
        this.repos = repos;
        this.tokenizer = tokenizer;
        settings = contextSettings;
        this.rules = rules ?? new MiningRules();
    }

    /// <inheritdoc />
    public ContextCoverage Coverage { get; } = new();

    /// <inheritdoc />
    public string? ContextFor(QnaRow task)
    {
        var found = Lookup(task);
        if (found.Context is null) Coverage.Missed(found.Reason ?? NoFact);
        else Coverage.Found();
        return found.Context;
    }

    /// <summary>The oracle's context of <paramref name="task"/> and what it is made of (computed once per task).</summary>
    public OracleLookup Lookup(QnaRow task)
    {
        if (lookups.TryGetValue(task, out var known)) return known;
        return lookups[task] = Build(task);
    }

    private OracleLookup Build(QnaRow task)
    {
        if (!repos.TryGetValue(task.RepoId, out var repo)) return Missing(RepoSnapshots.RepoMissing);
        var index = TaskFacts.CommitIndexOf(repo.Genome, task.CommitSha);
        if (index < 0) return Missing(RepoSnapshots.SnapshotUnreadable);
        var mention = TaskFacts.Mentioned(repo.Genome, index, task.Target).FirstOrDefault();
        if (mention is null) return Missing(NoFact);
        if (mention.Current is null) return Missing(FactGone);
        var path = TaskFacts.ModulePath(repo.Genome, mention.Current.Module);
        var text = Read(task.RepoId, repo.Path, task.CommitSha, path);
        if (text is null) return Missing(RepoSnapshots.SnapshotUnreadable);
        var (context, whole) = Fit($"# {path}\n", text, mention.Current.Name, Budget(task.Prefix));
        if (context is null) return Missing("no-room");
        var target = task.Target.Trim();
        var named = mention.Current.Surfaces.Where(s => TaskKindLabeler.Mentions(task.Target, s)).ToList();
        return new OracleLookup(context, path, mention.Fact.Id, whole, target.Length > 0 && context.Contains(target, StringComparison.Ordinal), null)
        {
            SurfacesVisible = named.Count > 0 && named.All(s => TaskKindLabeler.Mentions(context, s)),
        };
    }

    private static OracleLookup Missing(string reason) => new(null, null, null, false, false, reason);

    /// <summary>Tokens the context may take beside this prefix: the prompt cap minus BOS minus the prefix as it is cut.</summary>
    private int Budget(string prefix)
    {
        var prefixTokens = tokenizer.Encode(prefix).Length;
        if (settings.MaxPrefixTokens is int keep) prefixTokens = Math.Min(prefixTokens, keep);
        return settings.MaxInputTokens - (settings.PrependBos ? 1 : 0) - Math.Min(prefixTokens, settings.MaxInputTokens);
    }

    private string? Read(string repoId, string folder, string sha, string path)
    {
        if (files.TryGetValue((repoId, sha, path), out var text)) return text;
        try
        {
            using var source = RepoSource.Open(folder, repoId, rules);
            text = source.ReadText(sha, path, out _);
        }
        catch (Exception e) when (e is MiningException or IOException or LibGit2Sharp.LibGit2SharpException or ArgumentException) { text = null; }
        return files[(repoId, sha, path)] = text;
    }

    /// <summary>The header and the file when they fit <paramref name="budget"/> tokens (with the separator); else the header and the whole
    /// lines nearest the definition of <paramref name="name"/> that fit (null when not even its line fits).</summary>
    internal (string? Context, bool WholeFile) Fit(string header, string text, string name, int budget)
    {
        var whole = header + text + Separator;
        if (tokenizer.Encode(whole).Length <= budget) return (whole, true);
        var lines = text.Split('\n');
        var at = DefinitionLine(lines, name);
        var cost = lines.Select(l => tokenizer.Encode(l + "\n").Length).ToArray();
        var room = budget - tokenizer.Encode(header).Length - tokenizer.Encode(Separator).Length;
        if (cost[at] > room) return (null, false);
        int first = at, last = at, used = cost[at];
        // Grow downward first (a definition's body follows its first line), then alternate.
        for (var down = true; ; down = !down)
        {
            var next = down ? last + 1 : first - 1;
            var other = down ? first - 1 : last + 1;
            if (next >= 0 && next < lines.Length && used + cost[next] <= room) { used += cost[next]; if (down) last = next; else first = next; continue; }
            if (other >= 0 && other < lines.Length && used + cost[other] <= room) continue;   // the other side may still grow
            break;
        }
        string Window() => header + string.Join("\n", lines[first..(last + 1)]) + "\n" + Separator;
        // Tokens of joined lines can differ from the sum of their own: drop the farthest line until it fits.
        var context = Window();
        while (tokenizer.Encode(context).Length > budget && first < last)
        {
            if (at - first > last - at) first++; else last--;
            context = Window();
        }
        return (context, false);
    }

    [GeneratedRegex(@"^\s*(?:async\s+)?(?:def|class)\s+(\w+)|^\s*(\w+)\s*(?::[^=]*)?=")]
    private static partial Regex Definition();

    /// <summary>The line that defines <paramref name="name"/> (def, class or assignment); else the first line that names it; else 0.</summary>
    internal static int DefinitionLine(IReadOnlyList<string> lines, string name)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var m = Definition().Match(lines[i]);
            if (m.Success && (m.Groups[1].Value == name || m.Groups[2].Value == name)) return i;
        }
        for (var i = 0; i < lines.Count; i++) if (TaskKindLabeler.Mentions(lines[i], name)) return i;
        return 0;
    }
}
