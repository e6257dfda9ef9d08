using System.Security.Cryptography;
using Code2Lora.Mining;
using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>How <see cref="AssertionLedger"/>'s decisions compared with the plain definition on one history.</summary>
/// <remarks><c>Versions</c>: test-file versions the plain definition parsed; <c>NewAssertions</c>: the assertions it called new;
/// <c>Mismatches</c>: commits whose new assertions (file, position, target, type, added/changed) differ, the first described in <c>FirstMismatch</c>.</remarks>
public sealed record KeyCheckResult(string RepoId, int Commits, int KeptCommits, int Versions, int NewAssertions, int Mismatches, string? FirstMismatch);

/// <summary>
/// Checks the fast kept-commit rule against its definition (paper-notes §3.4 step 2): a second walk builds every prefix,
/// normalises it with <see cref="Normalise.Whitespace"/> and compares whole key strings (type, prefix, target) per file,
/// as the plain rule reads. Sets hold the strings' full SHA-256 digests, which is the string comparison short of a
/// 2⁻²⁵⁶ accident, so even a 7,000-line test file's keys fit in memory.
/// </summary>
public static class KeyCheck
{
    /// <summary>Walks the first <paramref name="maxCommits"/> first-parent commits (all when null) of a repository both ways.</summary>
    public static KeyCheckResult Run(RepoInput input, MiningRules rules, int threads = 1, int? maxCommits = null, DateTimeOffset? cutoff = null)
    {
        using var fast = RepoSource.Open(input.Path, input.RepoId, rules);
        using var plainSource = RepoSource.Open(input.Path, input.RepoId, rules);
        IEnumerable<CommitInfo> history = fast.FirstParentHistory(cutoff);
        if (maxCommits is { } max) history = history.Take(max);
        var plain = new PlainLedger();
        int commits = 0, kept = 0, news = 0, mismatches = 0;
        string? first = null;
        foreach (var (commit, found) in new AssertionLedger().Walk(fast, history.ToList(), rules, threads))
        {
            commits++;
            var got = found.Select(a => Decision(a.File, a.Site.LineNo, a.Site.ColOffset, a.Site.Target, a.Site.AssertionType, a.Modified)).ToList();
            var want = plain.Scan(plainSource, commit, rules);
            if (want.Count > 0) kept++;
            news += want.Count;
            if (got.SequenceEqual(want)) continue;
            mismatches++;
            first ??= $"{commit.Sha}: fast [{string.Join("; ", got.Except(want).Take(3))}] plain [{string.Join("; ", want.Except(got).Take(3))}]";
        }
        return new KeyCheckResult(input.RepoId, commits, kept, plain.Versions, news, mismatches, first);
    }

    private static string Decision(string file, int line, int col, string target, string type, bool modified) =>
        $"{file}:{line}:{col} {type} {(modified ? "changed" : "added")} {target}";

    /// <summary>The kept-commit rule exactly as written: materialised prefixes, normalised strings, per-file sets of keys.</summary>
    private sealed class PlainLedger
    {
        private readonly Dictionary<string, (HashSet<string> Keys, HashSet<string> Prefixes)> _files = new(StringComparer.Ordinal);

        public int Versions { get; private set; }

        public List<string> Scan(RepoSource source, CommitInfo commit, MiningRules rules)
        {
            var found = new List<string>();
            foreach (var change in source.Changes(commit))
            {
                if (change.Kind == ChangeKind.Renamed && change.OldPath is { } old && _files.Remove(old, out var moved)) _files[change.Path] = moved;
                if (change.Kind == ChangeKind.Deleted) { _files.Remove(change.Path); continue; }
                if (!change.Path.EndsWith(".py", StringComparison.Ordinal) || FileRules.InSkippedDirectory(change.Path, rules)) continue;
                if (!FileRules.IsTestPath(change.Path, rules.TestRule) && rules.TestRule == TestFileRule.Paper) continue;
                var text = source.ReadText(commit.Sha, change.Path, out _);
                if (text is null || !FileRules.IsTestFile(change.Path, text, rules.TestRule)) continue;
                IReadOnlyList<EvolutionAssertion> asserts;
                Versions++;
                try { asserts = EvolutionTaskExtractor.Extract(text); }
                catch (PySyntaxError) { continue; }
                var before = _files.GetValueOrDefault(change.Path);
                var now = (Keys: new HashSet<string>(StringComparer.Ordinal), Prefixes: new HashSet<string>(StringComparer.Ordinal));
                foreach (var a in asserts)
                {
                    var key = AssertionLedger.Key(a);
                    var (keyDigest, prefixDigest) = (Digest(key), Digest(key[..key.LastIndexOf('\u001f')]));
                    now.Keys.Add(keyDigest);
                    now.Prefixes.Add(prefixDigest);
                    if (before.Keys is null || !before.Keys.Contains(keyDigest))
                        found.Add(Decision(change.Path, a.LineNo, a.ColOffset, a.Target, a.AssertionType, before.Prefixes?.Contains(prefixDigest) == true));
                }
                _files[change.Path] = now;
            }
            return found;
        }

        // UTF-16 code units, not UTF-8: a lone surrogate must not turn two strings into the same bytes.
        private static string Digest(string s) => Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan())));
    }
}
