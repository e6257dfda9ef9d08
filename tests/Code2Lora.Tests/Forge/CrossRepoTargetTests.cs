using Code2Lora.Config;
using Code2Lora.Bench;
using Code2Lora.Forge;
using Code2Lora.Python;

namespace Code2Lora.Tests.Forge;

/// <summary>
/// The control is drawn per repository: the bench's own extractor, run over every test file of every commit of a preset's
/// forge world, finds almost no generic target of one repository among another's targets, and no target in all of them.
/// </summary>
public class CrossRepoTargetTests
{
    [Theory]
    [InlineData("smoke")]
    [InlineData("forge")]
    public void GenericTargetsAreTheirRepositorysOwn(string preset)
    {
        var config = Presets.Get(preset).Forge!;
        var targets = new List<HashSet<string>>();
        var generic = new List<HashSet<string>>();
        for (int repo = 0; repo < config.Repos; repo++)
        {
            var (all, control) = MinedTargets(RepoEvolution.Simulate(config, repo));
            targets.Add(all);
            generic.Add(control);
        }

        var (everywhere, shared, total, worst) = Overlap(targets, generic);
        Assert.True(everywhere.Count == 0, $"{preset}: targets in every repository: {string.Join(" | ", everywhere)}");
        Assert.True(generic.All(g => g.Count > 0), $"{preset}: a repository has no generic target");
        Assert.True(worst < 0.05,
            $"{preset}: worst repository shares {worst:P1} of its generic targets with another ({shared} of {total} overall)");
        Console.WriteLine($"{preset}: {shared} of {total} generic targets also occur in another repository (worst repository {worst:P1})");
    }

    [Fact]
    public void TheOverlapCatchesAPoolSharedByEveryRepository()
    {
        // The statistic's own control: a shared pool (the old forge) fails both checks; disjoint targets pass.
        string[] pool = ["[1, 2, 3]", "None", "expected"];
        var shared = Enumerable.Range(0, 4).Select(r => pool.Append($"own{r}").ToHashSet()).ToList();
        var (everywhere, count, total, worst) = Overlap(shared, shared);
        Assert.Equal(pool.Order(StringComparer.Ordinal), everywhere.Order(StringComparer.Ordinal));
        Assert.Equal((12, 16, 0.75), (count, total, worst));

        var own = Enumerable.Range(0, 4).Select(r => new HashSet<string> { $"a{r}", $"b{r}" }).ToList();
        Assert.Equal((0, 0.0), (Overlap(own, own).Everywhere.Count, Overlap(own, own).Worst));
    }

    /// <summary>Targets in every repository; generic targets also found in another repository (count, total, worst repository's share).</summary>
    private static (HashSet<string> Everywhere, int Shared, int Total, double Worst) Overlap(
        IReadOnlyList<HashSet<string>> targets, IReadOnlyList<HashSet<string>> generic)
    {
        var everywhere = new HashSet<string>(targets[0], StringComparer.Ordinal);
        foreach (var t in targets.Skip(1)) everywhere.IntersectWith(t);
        int shared = 0, total = 0;
        double worst = 0;
        for (int r = 0; r < targets.Count; r++)
        {
            var elsewhere = targets.Where((_, o) => o != r).SelectMany(t => t).ToHashSet(StringComparer.Ordinal);
            int mine = generic[r].Count(elsewhere.Contains);
            (shared, total) = (shared + mine, total + generic[r].Count);
            if (generic[r].Count > 0) worst = Math.Max(worst, mine / (double)generic[r].Count);
        }
        return (everywhere, shared, total, worst);
    }

    [Fact]
    public void GenericLiteralsNeverLookLikeFacts()
    {
        Assert.True(GenericDraw.CouldBeGeneric("plum,kiwi,fig"));
        Assert.True(GenericDraw.CouldBeGeneric("plum-kiwi-7"));
        Assert.True(GenericDraw.CouldBeGeneric(GenericDraw.Tolerance));
        Assert.False(GenericDraw.CouldBeGeneric("zaz/low"));
        Assert.False(GenericDraw.CouldBeGeneric("alpha@300"));
        Assert.False(GenericDraw.CouldBeGeneric("plum-300"));
        Assert.False(GenericDraw.CouldBeGeneric("3.9.0"));
        Assert.False(GenericDraw.CouldBeGeneric("1e-6"));
        Assert.Empty(GenericDraw.Words.Intersect(Vocabulary.SampleWords.Concat(Vocabulary.Domains.SelectMany(d => d.Nouns))));
    }

    /// <summary>Every target the bench's extractor finds in the history's test files, and those the labeler calls generic.</summary>
    private static (HashSet<string> All, HashSet<string> Generic) MinedTargets(ForgedHistory history)
    {
        var manifest = new GenomeManifest(history.RepoId, 0, history.Facts, [], history.RepoIndex, history.Package,
            history.SrcLayout ? "src" : "flat", history.Prefix, history.Domain, "");
        var all = new HashSet<string>(StringComparer.Ordinal);
        var generic = new HashSet<string>(StringComparer.Ordinal);
        var parsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var commit in history.Commits)
            foreach (var (path, text) in commit.Files)
            {
                if (!path.StartsWith("tests/test_", StringComparison.Ordinal) || !parsed.Add(text)) continue;
                foreach (var site in EvolutionTaskExtractor.Parse(text).Sites)
                {
                    all.Add(site.Target);
                    if (TaskKindLabeler.Label(manifest, commit.Index, site.Target) == TaskKindLabeler.Generic) generic.Add(site.Target);
                }
            }
        return (all, generic);
    }
}
