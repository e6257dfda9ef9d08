namespace Code2Lora.Forge;

/// <summary>A fact a task's target names: the fact, its state at the task's commit (null when it no longer exists there) and whether
/// the target names a surface of that current state (false: only a surface the fact held earlier).</summary>
public sealed record FactMention(FactState Fact, FactValue? Current, bool NamesCurrent);

/// <summary>
/// Which facts of a forged repository a benchmark task is about, read from its genome manifest: the facts whose surfaces its target
/// mentions (the rule <see cref="TaskKindLabeler"/> labels by), and the file that defines each at the task's commit. The fairness
/// checks of docs/forge.md need both: the oracle context prepends that file, the staleness check looks for facts that changed.
/// </summary>
public static class TaskFacts
{
    /// <summary>The first-parent index of <paramref name="sha"/> in the manifest (the index its fact ranges use), or -1.</summary>
    public static int CommitIndexOf(GenomeManifest g, string sha)
    {
        ArgumentNullException.ThrowIfNull(g);
        foreach (var c in g.Commits) if (c.Sha == sha) return c.Index;
        return -1;
    }

    /// <summary>Facts <paramref name="target"/> mentions at commit <paramref name="commitIndex"/>: those named through a surface of their
    /// current state first (manifest order), then those named only through a surface they held before.</summary>
    public static IReadOnlyList<FactMention> Mentioned(GenomeManifest g, int commitIndex, string target)
    {
        ArgumentNullException.ThrowIfNull(g);
        var current = new List<FactMention>();
        var earlier = new List<FactMention>();
        if (string.IsNullOrEmpty(target)) return current;
        foreach (var fact in g.Facts)
        {
            var now = fact.At(commitIndex);
            if (now is not null && now.Surfaces.Any(s => TaskKindLabeler.Mentions(target, s))) current.Add(new FactMention(fact, now, true));
            else if (fact.History.Any(v => v.FromCommit <= commitIndex && v.Surfaces.Any(s => TaskKindLabeler.Mentions(target, s))))
                earlier.Add(new FactMention(fact, now, false));
        }
        return [.. current, .. earlier];
    }

    /// <summary>Repository path of the file that defines <paramref name="module"/> (src/&lt;pkg&gt;/m.py or &lt;pkg&gt;/m.py; a dotted
    /// module is a sub-path).</summary>
    public static string ModulePath(GenomeManifest g, string module)
    {
        ArgumentNullException.ThrowIfNull(g);
        var package = g.Layout == "src" ? $"src/{g.Package}" : g.Package;
        return $"{package}/{module.Replace('.', '/')}.py";
    }

    /// <summary>The facts <paramref name="target"/> names (through a current surface) whose state at <paramref name="commitIndex"/> differs from
    /// their state at <paramref name="previousIndex"/>, where they existed already: the tasks a stale snapshot cannot know the answer of.
    /// <c>NewSurface</c> is true when the target names a surface the previous state did not have (the answer itself changed).</summary>
    public static IReadOnlyList<(FactMention Mention, FactValue Previous, bool NewSurface)> ChangedSince(GenomeManifest g, int previousIndex, int commitIndex, string target)
    {
        var changed = new List<(FactMention, FactValue, bool)>();
        if (previousIndex < 0 || previousIndex >= commitIndex) return changed;
        foreach (var m in Mentioned(g, commitIndex, target))
        {
            if (!m.NamesCurrent || m.Current is null) continue;
            var before = m.Fact.At(previousIndex);
            if (before is null || before.FromCommit == m.Current.FromCommit) continue;   // the same range: nothing changed in between
            var fresh = m.Current.Surfaces.Any(s => TaskKindLabeler.Mentions(target, s) && !before.Surfaces.Contains(s, StringComparer.Ordinal));
            changed.Add((m, before, fresh));
        }
        return changed;
    }
}
