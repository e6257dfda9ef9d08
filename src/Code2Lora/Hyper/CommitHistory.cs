using Code2Lora.Bench;
using Code2Lora.Encoders;

namespace Code2Lora.Hyper;

/// <summary>One kept commit as the GRU sees it: its diff vector and, when embedded, its repository-state vector.</summary>
public sealed record CommitStep(string Sha, int Index, string InRepoSplit, float[] Diff, float[]? State);

/// <summary>A repository's kept commits oldest-first with the vectors Evo needs; <see cref="InitialState"/> is the state of the
/// first kept commit (the source of h₀).</summary>
public sealed record CommitHistory(string RepoId, string CrossRepoSplit, float[] InitialState, IReadOnlyList<CommitStep> Commits)
{
    /// <summary>Position of a commit in <see cref="Commits"/> by sha, or −1.</summary>
    public int PositionOf(string sha)
    {
        for (var i = 0; i < Commits.Count; i++) if (Commits[i].Sha == sha) return i;
        return -1;
    }

    /// <summary>The anchor: the last in-repo train commit (the last commit when none is train), as the embedding plan defines it.</summary>
    public CommitStep Anchor => Commits.LastOrDefault(c => c.InRepoSplit == SplitNames.InRepoTrain) ?? Commits[^1];

    /// <summary>The histories of every repository in <paramref name="commits"/>, read from <paramref name="store"/>; a missing vector
    /// is a clear error naming the repository and commit. States beyond the first commit are attached where the store has them.</summary>
    public static IReadOnlyList<CommitHistory> FromStore(IEnumerable<CommitRow> commits, EmbeddingStore store, bool requireStatePerCommit)
    {
        float[] Need(EmbeddingKey key) => store.Get(key) ?? throw new KeyNotFoundException(
            $"{store.Location} has no {key.Kind} vector for {key.RepoId} at {key.CommitSha[..Math.Min(12, key.CommitSha.Length)]}; run the embedding step (c2l train evo embeds what is missing).");
        var histories = new List<CommitHistory>();
        foreach (var repo in commits.GroupBy(c => c.RepoId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = repo.OrderBy(c => c.CommitIndex).ToList();
            var steps = ordered.Select(c => new CommitStep(c.CommitSha, c.CommitIndex, c.InRepoSplit, Need(EmbeddingKey.ForDiff(c.RepoId, c.CommitSha)),
                requireStatePerCommit ? Need(EmbeddingKey.ForState(c.RepoId, c.CommitSha)) : store.Get(EmbeddingKey.ForState(c.RepoId, c.CommitSha)))).ToList();
            histories.Add(new CommitHistory(repo.Key, ordered[0].CrossRepoSplit, Need(EmbeddingKey.ForState(repo.Key, ordered[0].CommitSha)), steps));
        }
        return histories;
    }
}
