using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>The Table 8 analog: RAG with several chunk sizes and k, on the pretrained base and (when trained) on the fully
/// fine-tuned model, scored as in the main table. Predictions are cached with the main evaluation's, so a re-run decodes nothing.</summary>
public static class RagSweepRun
{
    /// <summary>Grid of the tiny preset, scaled from the paper's (512/256-token chunks, k 3/5/10) to the tiny LM's 512-token window.</summary>
    public static readonly IReadOnlyList<(int ChunkTokens, int K)> Tiny = [(128, 3), (128, 5), (128, 10), (64, 5)];

    /// <summary>Scores every (chunk tokens, k) of <paramref name="grid"/>; rows are named rag-{tokens}-k{k} (and fft-rag-… with FFT).</summary>
    public static async Task<IReadOnlyDictionary<string, MethodSummary>> RunAsync(StaticExperiment experiment, IReadOnlyList<RepoInput> repos,
        IEnumerable<(int ChunkTokens, int K)> grid, string resultsDir, IProgress<(string Method, string Split, int Done, int Total)>? progress = null)
    {
        var c = experiment.Config;
        var splits = new[] { SplitNames.CrTest, SplitNames.IrTest }.ToDictionary(s => s,
            s => experiment.Sample(experiment.Bench.StaticTasks.Where(t => t.Split == s).ToList(), c.EvalTasksPerSplit, "eval/" + s));
        var lm = experiment.LoadBase();
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var settings = c.ContextDecoding;
        var cache = new PredictionCache(Path.Combine(resultsDir, "predictions"));
        var baseId = StaticEvaluation.ModelIdentity("base", lm.Directory);
        var fft = File.Exists(Path.Combine(experiment.FftDirectory, "config.json")) ? experiment.LoadFullFineTune() : null;
        var fftId = fft is null ? null : StaticEvaluation.ModelIdentity("fft", experiment.FftDirectory);
        var all = splits.Values.SelectMany(v => v).ToList();
        var rows = new Dictionary<string, MethodSummary>();
        foreach (var (name, config) in RagSweep.Configs(grid, c.Rag))
        {
            var rag = await RagContext.CreateAsync(repos, lm.Tokenizer, config, new ChunkEmbedder(lm.Model, lm.Tokenizer, c.EvalBatchSize),
                Path.Combine(experiment.BenchDirectory, "rag"));
            await rag.PrepareAsync(all);
            var ragId = StaticEvaluation.RagIdentity(rag);
            // The preset's own RAG setting is the main table's "rag" row: reuse its predictions rather than decode it twice.
            var main = config == c.Rag;
            async Task Score(ICompletionMethod method, string identity, Models.LoadedModel model, string row)
            {
                var (scored, _) = await cache.RunAsync(method, identity, model.Model, model.Tokenizer, splits, settings,
                    progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((method.Name, p.Split, p.Done, p.Total))));
                rows[row] = MethodSummary.Of(SplitScore.Of(SplitNames.CrTest, scored[SplitNames.CrTest], c.Seed), SplitScore.Of(SplitNames.IrTest, scored[SplitNames.IrTest], c.Seed));
            }
            await Score(ContextMethod.OnBase(rag, main ? "rag" : name, slots), $"{baseId} {ragId}", lm, name);
            if (fft is not null)
                await Score(ContextMethod.WithContext(new BaseModelMethod("fft"), rag, main ? "fft-rag" : "fft-" + name), $"{fftId} {ragId}", fft, "fft-" + name);
        }
        fft?.Model.Dispose();
        return rows;
    }
}
