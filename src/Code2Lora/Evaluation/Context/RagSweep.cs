namespace Code2Lora.Evaluation.Context;

/// <summary>The Table-8 RAG sweep: one config (and result name) per (chunk tokens, k); nothing is run here.</summary>
public static class RagSweep
{
    /// <summary>The paper's Table-8 grid: (512, 3), (512, 5), (512, 10), (256, 5), (256, 10).</summary>
    public static readonly IReadOnlyList<(int ChunkTokens, int K)> Table8 = [(512, 3), (512, 5), (512, 10), (256, 5), (256, 10)];

    /// <summary>Configs of <paramref name="grid"/> (default <see cref="Table8"/>) derived from <paramref name="baseConfig"/>, named "rag-{tokens}-k{k}".</summary>
    public static IReadOnlyList<(string Name, RagConfig Config)> Configs(IEnumerable<(int ChunkTokens, int K)>? grid = null, RagConfig? baseConfig = null)
    {
        baseConfig ??= new RagConfig();
        return (grid ?? Table8).Select(g => baseConfig with { ChunkTokens = g.ChunkTokens, K = g.K })
            .Select(c => (c.Validate().SweepName, c)).ToList();
    }
}
