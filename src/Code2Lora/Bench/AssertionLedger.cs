using System.Security.Cryptography;
using System.Text.Json;
using Code2Lora.Mining;
using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>An assertion a commit added or changed in one test file; <paramref name="Modified"/> when the same prefix held another target before.</summary>
public sealed record NewAssertion(EvolutionAssertion Assertion, string File, bool Modified);

/// <summary>
/// The evolution track's kept-commit rule (paper-notes §3.4 step 2) as a walk state: for every test file, the assertion keys
/// (type + whitespace-normalised prefix + target) of its last version that parsed. A commit is kept when <see cref="Scan"/>
/// finds any key its file did not hold before. The benchmark builder and the live updater both walk with it, so they keep
/// the same commits; the keys are stored as 64-bit hashes so a repository's ledger can be saved and resumed.
/// </summary>
public sealed class AssertionLedger
{
    private readonly Dictionary<string, FileKeys> _files;

    private sealed record FileKeys(HashSet<string> Keys, HashSet<string> Prefixes);

    private AssertionLedger(Dictionary<string, FileKeys> files) => _files = files;

    /// <summary>An empty ledger (the state before a repository's first commit).</summary>
    public AssertionLedger() : this(new Dictionary<string, FileKeys>(StringComparer.Ordinal)) { }

    /// <summary>Test files with recorded assertions.</summary>
    public int Files => _files.Count;

    /// <summary>Test-file versions parsed by <see cref="Scan"/> since this ledger was made or loaded.</summary>
    public int Parsed { get; private set; }

    /// <summary>
    /// Applies one first-parent commit: renames carry a file's keys, deletions drop them, and every changed test .py file is
    /// parsed at the commit and compared with its recorded keys. A file that does not parse keeps its old keys (so the next
    /// good version is compared with the last good one) and is reported to <paramref name="skipped"/>.
    /// </summary>
    public IReadOnlyList<NewAssertion> Scan(RepoSource source, CommitInfo commit, MiningRules rules, Action<SkippedFile>? skipped = null)
    {
        var found = new List<NewAssertion>();
        foreach (var change in source.Changes(commit))
        {
            if (change.Kind == ChangeKind.Renamed && change.OldPath is { } old && _files.Remove(old, out var moved)) _files[change.Path] = moved;
            if (change.Kind == ChangeKind.Deleted) { _files.Remove(change.Path); continue; }
            if (!change.Path.EndsWith(".py", StringComparison.Ordinal) || FileRules.InSkippedDirectory(change.Path, rules)) continue;
            if (!FileRules.IsTestPath(change.Path, rules.TestRule) && rules.TestRule == TestFileRule.Paper) continue;

            var text = source.ReadText(commit.Sha, change.Path, out var unread);
            if (text is null) { if (unread is not null) skipped?.Invoke(unread); continue; }
            if (!FileRules.IsTestFile(change.Path, text, rules.TestRule)) continue;

            IReadOnlyList<EvolutionAssertion> asserts;
            Parsed++;
            try { asserts = EvolutionTaskExtractor.Extract(text); }
            catch (PySyntaxError e)
            {
                skipped?.Invoke(new SkippedFile(change.Path, SkipReason.SyntaxError, $"{commit.Sha[..Math.Min(8, commit.Sha.Length)]} line {e.Line}: {e.Message}"));
                continue;
            }
            var before = _files.GetValueOrDefault(change.Path);
            var now = new FileKeys(new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
            foreach (var a in asserts)
            {
                var key = Key(a);
                var (keyHash, prefixHash) = (Hash(key), Hash(key[..key.LastIndexOf('\u001f')]));
                now.Keys.Add(keyHash);
                now.Prefixes.Add(prefixHash);
                if (before is null || !before.Keys.Contains(keyHash)) found.Add(new NewAssertion(a, change.Path, before?.Prefixes.Contains(prefixHash) == true));
            }
            _files[change.Path] = now;
        }
        return found;
    }

    /// <summary>The full key of an assertion: type, whitespace-normalised prefix and target, separated by U+001F.</summary>
    public static string Key(EvolutionAssertion a) =>
        a.AssertionType + "\u001f" + Normalise.Whitespace(a.Prefix) + "\u001f" + Normalise.Whitespace(a.Target);

    /// <summary>The ledger as JSON: test file → its key and prefix hashes (sorted, so equal ledgers give equal text).</summary>
    public string ToJson() => JsonSerializer.Serialize(
        _files.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(
            f => f.Key, f => new[] { f.Value.Keys.Order(StringComparer.Ordinal).ToArray(), f.Value.Prefixes.Order(StringComparer.Ordinal).ToArray() }));

    /// <summary>Reads <see cref="ToJson"/>'s text; anything else is an <see cref="InvalidDataException"/>.</summary>
    public static AssertionLedger FromJson(string json)
    {
        Dictionary<string, string[][]>? files;
        try { files = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(json); }
        catch (JsonException e) { throw new InvalidDataException($"not an assertion ledger: {e.Message}", e); }
        if (files is null || files.Values.Any(v => v is not { Length: 2 }))
            throw new InvalidDataException("not an assertion ledger: every file needs [keys, prefixes].");
        return new AssertionLedger(files.ToDictionary(f => f.Key,
            f => new FileKeys(new HashSet<string>(f.Value[0], StringComparer.Ordinal), new HashSet<string>(f.Value[1], StringComparer.Ordinal)),
            StringComparer.Ordinal));
    }

    // 64 bits of SHA-256: a collision inside one file's few hundred keys is out of reach, and a ledger stays small.
    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)), 0, 8);
}
