using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Forge;
using Code2Lora.Hyper;
using Code2Lora.Mining;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Evo;

/// <summary>A forge evolution track (4 repositories × 12 commits, so 2 train, 1 CR-val, 1 CR-test) with an embedding store
/// filled by seeded random vectors for every key the embedding plan asks for (a state at every commit): the Evo code reads it
/// exactly as it reads real vectors, without paying for an encoder.</summary>
public sealed class EvoBenchFixture : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>Width of the fake vectors.</summary>
    public const int Dim = 16;

    public EvoBenchFixture()
    {
        var forged = RepoForge.Generate(_dir.Sub("forge"), new ForgeConfig { Repos = 4, Commits = 12, FactsPerRepo = 6 });
        var inputs = forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, "forge", Static: false, Evolution: true)).ToList();
        BenchBuild.RunAsync(inputs, BenchDir, BenchConfig.Smoke, new MiningRules(), "test", parallelism: 1).GetAwaiter().GetResult();
        Bench = BenchData.LoadAsync(BenchDir).GetAwaiter().GetResult();
        Store = FakeVectorStore.Fill(Bench, BenchDir, Dim);
        Histories = CommitHistory.FromStore(Bench.Commits, Store, requireStatePerCommit: true);
    }

    public string BenchDir => _dir.Sub("bench");
    public BenchData Bench { get; }
    public EmbeddingStore Store { get; }
    public IReadOnlyList<CommitHistory> Histories { get; }
    public string NewDir() => _dir.Sub("run-" + Guid.NewGuid().ToString("N")[..8]);
    public void Dispose() => _dir.Dispose();
}
