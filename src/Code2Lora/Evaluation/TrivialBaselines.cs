using System.Text.RegularExpressions;
using Code2Lora.Bench;

namespace Code2Lora.Evaluation;

/// <summary>Baselines that use no model, scored like every method (the paper's post-processing, EM, EditSim), so a table shows what a
/// constant or a copy already reaches: on a weak base most EM hits can be the benchmark's most common answer.
/// <list type="bullet">
/// <item><c>most-frequent-target</c>: always the most frequent target of the training tasks (ties: the ordinally first).</item>
/// <item><c>copy-from-prefix</c>: the answer copied from the prefix. (1) If an earlier line of the prefix starts with the text of the
/// assertion being completed (the last line, from its first non-blank character) and goes on, its continuation: a repeated assertion
/// (<c>self.assertEqual(val, 0x80)</c> above <c>self.assertEqual(val, </c>). (2) Otherwise the most recently assigned simple name of
/// the prefix (<c>name = …</c>, <c>a, b = …</c>, <c>with … as name</c>, <c>for name in</c>) that the assertion line does not already
/// use, followed by the brackets the assertion line leaves open (<c>encoded)</c> for <c>self.assertEqual(NIST256p, </c>). (3) Otherwise
/// nothing (a miss).</item>
/// </list>
/// They have no target NLL.</summary>
public static partial class TrivialBaselines
{
    /// <summary>The row name of the constant baseline.</summary>
    public const string MostFrequentName = "most-frequent-target";

    /// <summary>The row name of the copy heuristic.</summary>
    public const string CopyName = "copy-from-prefix";

    /// <summary>The most frequent target of <paramref name="training"/> (ties broken ordinally), or "" when there are none.</summary>
    public static string MostFrequentTarget(IEnumerable<QnaRow> training) =>
        training.GroupBy(t => t.Target, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault() ?? "";

    /// <summary>The copy heuristic's raw prediction for a prefix ("" when it finds nothing to copy).</summary>
    public static string CopyFromPrefix(string prefix)
    {
        var lines = prefix.Split('\n');
        var cursor = lines[^1].TrimStart();
        if (cursor.Length > 0)
            for (var i = lines.Length - 2; i >= 0; i--)
            {
                var earlier = lines[i].TrimStart();
                if (earlier.Length > cursor.Length && earlier.StartsWith(cursor, StringComparison.Ordinal)) return earlier[cursor.Length..];
            }
        var used = new HashSet<string>(Identifier().Matches(cursor).Select(m => m.Value), StringComparer.Ordinal);
        for (var i = lines.Length - 2; i >= 0; i--)
        {
            var names = AssignedNames(lines[i]).Where(n => !used.Contains(n)).ToList();
            if (names.Count > 0) return names[^1] + Closers(cursor);
        }
        return "";
    }

    /// <summary>Predictions of both baselines for the tasks of each split (task order, as a method's rows).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> Score(
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, IEnumerable<QnaRow> training)
    {
        var constant = MostFrequentTarget(training);
        return new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>>
        {
            [MostFrequentName] = Rows(MostFrequentName, splits, _ => constant),
            [CopyName] = Rows(CopyName, splits, t => CopyFromPrefix(t.Prefix)),
        };
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows(string name, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, Func<QnaRow, string> predict) =>
        splits.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<PredictionRow>)kv.Value.Select((t, i) =>
        {
            var raw = predict(t);
            var score = Metrics.Score(raw, t.Target);
            return new PredictionRow
            {
                Method = name, Split = kv.Key, RepoId = t.RepoId, TaskIndex = i, Target = t.Target, Prediction = score.Prediction, RawPrediction = raw,
                ExactMatch = score.ExactMatch, EditSimilarity = score.EditSimilarity, CodeBleu = score.CodeBleu,
            };
        }).ToList());

    /// <summary>Simple names a line binds: the targets of a plain assignment (not ==, not augmented, not keyword arguments inside a
    /// call), the name after "as", and a for-loop's names.</summary>
    private static IEnumerable<string> AssignedNames(string line)
    {
        var text = line.Trim();
        if (Assignment().Match(text) is { Success: true } a) return Identifier().Matches(a.Groups[1].Value).Select(m => m.Value);
        if (WithAs().Match(text) is { Success: true } w) return [w.Groups[1].Value];
        if (ForIn().Match(text) is { Success: true } f) return Identifier().Matches(f.Groups[1].Value).Select(m => m.Value);
        return [];
    }

    /// <summary>The closing brackets of the brackets <paramref name="line"/> opens and does not close (strings skipped).</summary>
    private static string Closers(string line)
    {
        var open = new Stack<char>();
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q) { if (c == '\\') i++; else if (c == q) quote = null; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c is '(' or '[' or '{') open.Push(c);
            else if (c is ')' or ']' or '}' && open.Count > 0) open.Pop();
        }
        return string.Concat(open.Select(c => c switch { '(' => ')', '[' => ']', _ => '}' }));
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    // "a = …", "a, b = …", "(a, b) = …"; not "a == …", "a += …", "f(x=1)".
    [GeneratedRegex(@"^\(?\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*,?\s*\)?\s*(?::[^=]*)?=(?!=)")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(?:async\s+)?with\b.*\bas\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*$")]
    private static partial Regex WithAs();

    [GeneratedRegex(@"^(?:async\s+)?for\s+(.+?)\s+in\b")]
    private static partial Regex ForIn();
}
