using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Reporting;
using Code2Lora.Runtime;

namespace Code2Lora.Tests.Evo;

/// <summary>An embedding store of seeded random vectors for every key the embedding plan of a benchmark asks for (a state at every
/// commit): code under test reads it exactly as it reads real vectors, without paying for an encoder.</summary>
internal static class FakeVectorStore
{
    /// <summary>Opens the store of <paramref name="benchDir"/> and fills it with <paramref name="dim"/>-wide vectors in [−1, 1).</summary>
    public static EmbeddingStore Fill(BenchData bench, string benchDir, int dim)
    {
        var store = EmbeddingStore.OpenAsync(EmbeddingPipeline.StoreDirectory(benchDir), "enc-test").GetAwaiter().GetResult();
        foreach (var request in EmbeddingPipeline.Plan(bench, EncoderConfig.Tiny with { StateAtEveryCommit = true }))
        {
            var rng = SeededRandom.For(5, request.Key.ToString());
            store.Add(request.Key, Enumerable.Range(0, dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
        }
        store.FlushAsync().GetAwaiter().GetResult();
        return store;
    }
}
