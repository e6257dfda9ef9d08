using Code2Lora.Mining;

namespace Code2Lora.Bench;

/// <summary>
/// The per-repository half of a build (docs/sharding.md): what each repository yielded before the cross-repo split, which
/// needs every repository. A single process holds one and finishes it at once; a shard writes one as a
/// <see cref="BenchPartition"/> and a merge joins N of them into one again.
/// </summary>
/// <param name="Inputs">The repositories this part was asked to mine (failed ones included).</param>
/// <param name="Static">Each static-track repository's row and selected tasks (no split yet).</param>
/// <param name="Evolution">Each history's row, counts and spool folder (no split yet).</param>
/// <param name="Mining">Per-history mining statistics, for the manifest.</param>
/// <param name="Skips">What was skipped while mining.</param>
/// <param name="Failed">Repositories that failed, once per track.</param>
public sealed record MinedRepos(IReadOnlyList<RepoInput> Inputs, IReadOnlyList<StaticRepoResult> Static, IReadOnlyList<EvolutionRepoResult> Evolution,
    IReadOnlyList<RepoMiningStats> Mining, SkipReport Skips, int Failed);
