namespace Code2Lora.Bench;

/// <summary>The evolution track's training cap (paper-notes §3.4 step 5): drop trivial targets, round-robin per file and commit.</summary>
public static class SmartCap
{
    /// <summary>True when a target is too trivial to train on (very short, or a short call tail / argument fragment).</summary>
    public static bool IsTrivial(string target, BenchConfig config)
    {
        var t = target.Trim();
        if (t.Length < config.SmartCapMinTargetChars) return true;
        return t.Length <= config.SmartCapShortTargetChars && (t.EndsWith(')') || t.StartsWith(','));
    }

    /// <summary>
    /// Picks the training tasks of one commit: non-trivial ones, taken round-robin over (test file, test function)
    /// groups so no single test dominates, at most SmartCapPerFile per file and SmartCapPerCommit in total.
    /// </summary>
    public static IReadOnlyList<QnaRow> Apply(IReadOnlyList<QnaRow> commitTasks, BenchConfig config)
    {
        var groups = commitTasks.Where(r => !IsTrivial(r.Target, config))
            .GroupBy(r => (r.TestFile, r.TestFunction ?? ""))
            .OrderBy(g => g.Key.TestFile, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal)
            .Select(g => new Queue<QnaRow>(g)).ToList();
        var perFile = new Dictionary<string, int>();
        var picked = new List<QnaRow>();
        bool progress = true;
        while (picked.Count < config.SmartCapPerCommit && progress)
        {
            progress = false;
            foreach (var q in groups)
            {
                if (picked.Count >= config.SmartCapPerCommit) break;
                if (q.Count == 0) continue;
                var file = q.Peek().TestFile;
                if (perFile.GetValueOrDefault(file) >= config.SmartCapPerFile) { q.Clear(); continue; }
                picked.Add(q.Dequeue());
                perFile[file] = perFile.GetValueOrDefault(file) + 1;
                progress = true;
            }
        }
        return picked;
    }
}
