using System.Text.Json;
using Code2Lora.Mining;
using Code2Lora.Python;
using Code2Lora.Runtime;

namespace Code2Lora.Bench;

/// <summary>
/// The evolution track's kept-commit rule (paper-notes §3.4 step 2) as a walk state: for every test file, the assertion keys
/// (type + whitespace-normalised prefix + target, as <see cref="AssertionKey"/> hashes) of its last version that parsed.
/// A commit is kept when it brings any key its file did not hold before. The benchmark builder and the live updater both
/// walk with it, so they keep the same commits; a ledger can be saved and resumed. Walking splits into reading (git,
/// on the walking thread), parsing (pure, any thread) and applying (in commit order), so parses can run in parallel.
/// </summary>
public sealed class AssertionLedger
{
    /// <summary>How many parses are remembered by blob id (a revert, a copy or a pure rename then costs no parse).</summary>
    public const int ParseCacheVersions = 512;

    private readonly Dictionary<string, FileKeys> _files;
    private readonly Dictionary<string, ParsedBlob> _parsedByBlob = new(StringComparer.Ordinal);
    private readonly Queue<string> _cacheOrder = new();

    private sealed record FileKeys(HashSet<UInt128> Keys, HashSet<UInt128> Prefixes);

    private AssertionLedger(Dictionary<string, FileKeys> files) => _files = files;

    /// <summary>An empty ledger (the state before a repository's first commit).</summary>
    public AssertionLedger() : this(new Dictionary<string, FileKeys>(StringComparer.Ordinal)) { }

    /// <summary>Test files with recorded assertions.</summary>
    public int Files => _files.Count;

    /// <summary>Test-file versions compared since this ledger was made or loaded (parsed, or taken from the blob cache).</summary>
    public int Parsed { get; private set; }

    /// <summary>Of <see cref="Parsed"/>, the versions whose blob had been parsed before.</summary>
    public int CacheHits { get; private set; }

    /// <summary>
    /// Applies one first-parent commit: renames carry a file's keys, deletions drop them, and every changed test .py file is
    /// parsed at the commit and compared with its recorded keys. A file that does not parse keeps its old keys (so the next
    /// good version is compared with the last good one) and is reported to <paramref name="skipped"/>.
    /// </summary>
    public IReadOnlyList<NewAssertion> Scan(RepoSource source, CommitInfo commit, MiningRules rules, Action<SkippedFile>? skipped = null)
    {
        var pending = Read(source, commit, rules);
        foreach (var job in pending.Jobs) job.RunOrWait();
        return Apply(pending, skipped);
    }

    /// <summary>
    /// <see cref="Scan"/> over a history with <paramref name="threads"/> threads: the calling thread reads and applies commits
    /// in order while helpers parse the versions read ahead. Yields every commit with what it added, in order; the result
    /// is the same for any thread count.
    /// </summary>
    public IEnumerable<(CommitInfo Commit, IReadOnlyList<NewAssertion> Found)> Walk(RepoSource source, IEnumerable<CommitInfo> commits,
        MiningRules rules, int threads, Action<SkippedFile>? skipped = null)
    {
        foreach (var pending in OrderedPipeline.Run(commits.Select(c => Read(source, c, rules)), p => p.Jobs, threads))
            yield return (pending.Commit, Apply(pending, skipped));
    }

    /// <summary>Reads the test-file versions a commit changed (on the thread that owns <paramref name="source"/>); parses come from the blob cache where it can.</summary>
    public PendingCommit Read(RepoSource source, CommitInfo commit, MiningRules rules)
    {
        var steps = new List<PendingCommit.Step>();
        foreach (var change in source.Changes(commit))
        {
            if (change.Kind == ChangeKind.Deleted || !change.Path.EndsWith(".py", StringComparison.Ordinal) || FileRules.InSkippedDirectory(change.Path, rules))
            {
                steps.Add(new PendingCommit.Step(change, null, null));
                continue;
            }
            bool testPath = FileRules.IsTestPath(change.Path, rules.TestRule);
            if (!testPath && rules.TestRule == TestFileRule.Paper) { steps.Add(new PendingCommit.Step(change, null, null)); continue; }

            var blob = source.BlobId(commit.Sha, change.Path);
            if (testPath && blob is not null && _parsedByBlob.TryGetValue(blob, out var known))
            {
                string path = change.Path;
                string Reread() => source.ReadBlob(blob, path, out _) ?? throw new MiningException($"{path} ({blob}) could be read once but not again.");
                steps.Add(new PendingCommit.Step(change, new TestFileVersion(path, blob, known, Reread), null));
                continue;
            }
            SkippedFile? unread;
            var text = blob is not null ? source.ReadBlob(blob, change.Path, out unread) : source.ReadText(commit.Sha, change.Path, out unread);
            if (text is null) { steps.Add(new PendingCommit.Step(change, null, unread)); continue; }
            if (!FileRules.IsTestFile(change.Path, text, rules.TestRule)) { steps.Add(new PendingCommit.Step(change, null, null)); continue; }
            var parse = new ParsedBlob();
            if (blob is not null) Remember(blob, parse);
            steps.Add(new PendingCommit.Step(change, new TestFileVersion(change.Path, blob, text, parse), null));
        }
        return new PendingCommit(commit, steps);
    }

    /// <summary>Applies a commit read by <see cref="Read"/> whose jobs have run, in the order of its changes.</summary>
    public IReadOnlyList<NewAssertion> Apply(PendingCommit pending, Action<SkippedFile>? skipped = null)
    {
        var found = new List<NewAssertion>();
        var commit = pending.Commit;
        foreach (var (change, version, unread) in pending.Steps)
        {
            if (change.Kind == ChangeKind.Renamed && change.OldPath is { } old && _files.Remove(old, out var moved)) _files[change.Path] = moved;
            if (change.Kind == ChangeKind.Deleted) { _files.Remove(change.Path); continue; }
            if (version is null)
            {
                if (unread is not null) skipped?.Invoke(unread);
                continue;
            }
            var parsed = version.Parsed ?? throw new InvalidOperationException($"{version.Path} at {commit.Sha} was applied before it was parsed.");
            Parsed++;
            if (version.FromCache) CacheHits++;
            if (parsed.Error is { } e)
            {
                skipped?.Invoke(new SkippedFile(change.Path, SkipReason.SyntaxError, $"{commit.Sha[..Math.Min(8, commit.Sha.Length)]} line {e.Line}: {e.Message}"));
                continue;
            }
            var before = _files.GetValueOrDefault(change.Path);
            var now = new FileKeys(new HashSet<UInt128>(parsed.Keys.Length), new HashSet<UInt128>(parsed.Keys.Length));
            for (int i = 0; i < parsed.Sites.Count; i++)
            {
                var key = parsed.Keys[i];
                now.Keys.Add(key.Key);
                now.Prefixes.Add(key.Prefix);
                if (before is null || !before.Keys.Contains(key.Key))
                    found.Add(new NewAssertion(parsed.Sites[i], change.Path, before?.Prefixes.Contains(key.Prefix) == true, key, version));
            }
            _files[change.Path] = now;
        }
        return found;
    }

    private void Remember(string blob, ParsedBlob parse)
    {
        if (!_parsedByBlob.TryAdd(blob, parse)) return;
        _cacheOrder.Enqueue(blob);
        if (_cacheOrder.Count > ParseCacheVersions) _parsedByBlob.Remove(_cacheOrder.Dequeue());
    }

    /// <summary>The plain key of an assertion: type, whitespace-normalised prefix and target, separated by U+001F (the definition <see cref="AssertionKey"/> hashes).</summary>
    public static string Key(EvolutionAssertion a) =>
        a.AssertionType + "\u001f" + Normalise.Whitespace(a.Prefix) + "\u001f" + Normalise.Whitespace(a.Target);

    /// <summary>The ledger as JSON: test file → its key and prefix hashes as hex (sorted, so equal ledgers give equal text).</summary>
    public string ToJson() => JsonSerializer.Serialize(
        _files.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(
            f => f.Key, f => new[] { Sorted(f.Value.Keys), Sorted(f.Value.Prefixes) }));

    private static string[] Sorted(HashSet<UInt128> hashes) => hashes.Order().Select(AssertionKey.Hex).ToArray();

    /// <summary>Reads <see cref="ToJson"/>'s text; anything else (including an older ledger's 64-bit keys) is an <see cref="InvalidDataException"/>.</summary>
    public static AssertionLedger FromJson(string json)
    {
        Dictionary<string, string[][]>? files;
        try { files = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(json); }
        catch (JsonException e) { throw new InvalidDataException($"not an assertion ledger: {e.Message}", e); }
        if (files is null || files.Values.Any(v => v is not { Length: 2 }))
            throw new InvalidDataException("not an assertion ledger: every file needs [keys, prefixes].");
        HashSet<UInt128> Parse(string file, string[] hexes) => hexes.Select(h => AssertionKey.ParseHex(h)
            ?? throw new InvalidDataException($"not an assertion ledger of this version: '{h}' of {file} is not a 128-bit key (older ledgers kept 64 bits; rebuild it).")).ToHashSet();
        return new AssertionLedger(files.ToDictionary(f => f.Key, f => new FileKeys(Parse(f.Key, f.Value[0]), Parse(f.Key, f.Value[1])), StringComparer.Ordinal));
    }
}
