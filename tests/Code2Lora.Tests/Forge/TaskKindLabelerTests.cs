using Code2Lora.Forge;

namespace Code2Lora.Tests.Forge;

/// <summary>The labeler agrees with what the forge meant, and its matching rules hold on hand-made cases.</summary>
public class TaskKindLabelerTests
{
    private static GenomeManifest ManifestOf(ForgedHistory h) =>
        new(h.RepoId, 0, h.Facts, [], h.RepoIndex, h.Package, h.SrcLayout ? "src" : "flat", h.Prefix, h.Domain, "");

    [Fact]
    public void EveryGeneratedAssertionGetsTheLabelTheForgeIntended()
    {
        var config = new ForgeConfig { Repos = 3, Commits = 30, FactsPerRepo = 12, ChangeRate = 0.4, Seed = 5 };
        int specific = 0, generic = 0;
        for (int repo = 0; repo < config.Repos; repo++)
        {
            var history = RepoEvolution.Simulate(config, repo);
            var manifest = ManifestOf(history);
            foreach (var commit in history.Commits)
                foreach (var a in commit.Assertions)
                {
                    Assert.True(TaskKindLabeler.Label(manifest, commit.Index, a.Target) == a.IntendedKind,
                        $"{history.RepoId}@{commit.Index} {a.File}::{a.Test} target {a.Target} meant {a.IntendedKind}");
                    if (a.FactId is null) generic++; else specific++;
                }
        }
        Assert.True(specific > 0 && generic > 0);
    }

    [Fact]
    public void GenericShareFollowsTheKnob()
    {
        foreach (var share in new[] { 0.1, 0.5 })
        {
            var history = RepoEvolution.Simulate(new ForgeConfig { Repos = 1, Commits = 30, GenericTaskShare = share }, 0);
            var last = history.Commits[^1].Assertions;
            double measured = last.Count(a => a.FactId is null) / (double)last.Count;
            Assert.InRange(measured, share - 0.05, share + 0.08);
        }
    }

    [Fact]
    public void SurfacesCountFromTheCommitTheyAppearOn()
    {
        var fact = new FactState("port", "constant",
        [
            new FactValue(0, 4, "ZQ_PORT", "config", "ZQ_PORT = 8431", ["8431", "ZQ_PORT"]),
            new FactValue(5, 9, "ZQ_PORT", "config", "ZQ_PORT = 8432", ["8432", "ZQ_PORT"]),
        ]);
        var g = new GenomeManifest("r", 1, [fact], [], 0, "zq", "flat", "zq", "d", "");
        Assert.Equal(TaskKindLabeler.Generic, TaskKindLabeler.Label(g, 3, "8432"));
        Assert.Equal(TaskKindLabeler.RepoSpecific, TaskKindLabeler.Label(g, 5, "8432)"));
        Assert.Equal(TaskKindLabeler.RepoSpecific, TaskKindLabeler.Label(g, 7, "8431"));  // stale, still repository knowledge
        Assert.Equal(TaskKindLabeler.Generic, TaskKindLabeler.Label(g, 7, "[1, 2, 3]"));
        Assert.Equal(TaskKindLabeler.Generic, TaskKindLabeler.Label(g, 7, ""));
    }

    [Theory]
    [InlineData("\"ZQ_A\")", "ZQ_A", true)]
    [InlineData("ZqStationError)", "ZqStation", false)]
    [InlineData("ZqStationError, match=\"x\")", "ZqStationError", true)]
    [InlineData("0.875)", "875", false)]
    [InlineData("1.75, rel=1e-6)", "1.75", true)]
    [InlineData("17.5", "17", false)]
    [InlineData("x == 640.", "640", true)]
    [InlineData("\"alpha@300\")", "alpha@300", true)]
    public void MentionsRespectsIdentifierAndNumberBoundaries(string text, string surface, bool expected) =>
        Assert.Equal(expected, TaskKindLabeler.Mentions(text, surface));
}
