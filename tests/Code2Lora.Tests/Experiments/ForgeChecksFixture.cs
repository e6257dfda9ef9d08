using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Forge;
using Code2Lora.Mining;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Tests.Forge;

namespace Code2Lora.Tests.Experiments;

/// <summary>A change-heavy forge evolution track (4 repositories × 20 commits, half the commits change a fact, so facts change between kept
/// commits) with its repository inputs, and an embedding store of seeded random vectors for every key the plan asks for (as
/// <see cref="Evo.EvoBenchFixture"/>): the fairness checks read it as they read real vectors, without an encoder.</summary>
public sealed class ForgeChecksFixture : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>Width of the fake vectors.</summary>
    public const int Dim = 16;

    public ForgeChecksFixture()
    {
        var forged = RepoForge.Generate(_dir.Sub("forge"), new ForgeConfig { Repos = 4, Commits = 20, FactsPerRepo = 6, ChangeRate = 0.5, Seed = 23 });
        Inputs = forged.Select(f => new RepoInput("forge/" + f.RepoId, f.Path, "forge", Static: false, Evolution: true)).ToList();
        BenchBuild.RunAsync(Inputs, BenchDir, BenchConfig.Smoke, new MiningRules(), "test", parallelism: 1).GetAwaiter().GetResult();
        Bench = BenchData.LoadAsync(BenchDir).GetAwaiter().GetResult();
        Store = Evo.FakeVectorStore.Fill(Bench, BenchDir, Dim);
    }

    public IReadOnlyList<RepoInput> Inputs { get; }
    public string BenchDir => _dir.Sub("bench");
    public BenchData Bench { get; }
    public EmbeddingStore Store { get; }
    public string NewDir(string name) => _dir.Sub(name + "-" + Guid.NewGuid().ToString("N")[..8]);
    public void Dispose() => _dir.Dispose();
}
