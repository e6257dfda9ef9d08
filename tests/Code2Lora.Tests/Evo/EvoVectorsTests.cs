using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Hyper;

namespace Code2Lora.Tests.Evo;

/// <summary>How Evo finds its vectors: one encoder id for the static and evolution experiments, histories read by (repo, sha).</summary>
public sealed class EvoVectorsTests(EvoBenchFixture bench) : IClassFixture<EvoBenchFixture>
{
    [Fact]
    public void Embedding_every_commit_state_keeps_the_encoder_id_but_a_recipe_change_does_not()
    {
        var config = EncoderConfig.Tiny;
        Assert.Equal(EncoderId.Compute("model", config), EncoderId.Compute("model", config with { StateAtEveryCommit = true }));
        Assert.NotEqual(EncoderId.Compute("model", config), EncoderId.Compute("model", config with { Diff = DiffRecipe.Released }));
    }

    [Fact]
    public void Histories_are_oldest_first_with_h0_from_the_first_commit_and_a_missing_vector_names_its_commit()
    {
        Assert.Equal(bench.Bench.Commits.Select(c => c.RepoId).Distinct().Count(), bench.Histories.Count);
        foreach (var h in bench.Histories)
        {
            Assert.Equal(Enumerable.Range(0, h.Commits.Count), h.Commits.Select(c => c.Index));
            Assert.Equal(bench.Store.Get(EmbeddingKey.ForState(h.RepoId, h.Commits[0].Sha)), h.InitialState);
            Assert.All(h.Commits, c => Assert.Equal(bench.Store.Get(EmbeddingKey.ForDiff(h.RepoId, c.Sha)), c.Diff));
            Assert.Equal(h.Commits.Last(c => c.InRepoSplit == SplitNames.InRepoTrain).Sha, h.Anchor.Sha);
        }
        var stranger = new CommitRow { RepoId = "forge/none", CommitSha = new string('a', 40), CrossRepoSplit = SplitNames.Train };
        var e = Assert.Throws<KeyNotFoundException>(() => CommitHistory.FromStore([stranger], bench.Store, requireStatePerCommit: false));
        Assert.Contains("forge/none at aaaaaaaaaaaa", e.Message);
    }
}
