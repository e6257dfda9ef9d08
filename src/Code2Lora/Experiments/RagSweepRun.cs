using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Encoders;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments;

/// <summary>The RAG sweep's rows (NLL, EditSim, EM as in the main table) and the prompt cap each row was given.</summary>
public sealed record RagSweepResult(IReadOnlyDictionary<string, MethodSummary> Rows, IReadOnlyDictionary<string, int> PromptTokens);

/// <summary>The Table 8 analog: RAG with several chunk sizes and k, on the pretrained base and (when trained) on the fully
/// fine-tuned model, scored as in the main table. Each (chunk size, k) gets the prompt cap that holds all its k chunks beside the
/// prefix (the prefix cut as for every method, plus the longest context any task gets), so k = 5 and k = 10 are not cut back to what the
/// main table's cap holds (about two chunks on tiny); each row's share of cut prompts is reported (0 here by construction). Rows are named
/// rag-{tokens}-k{k} and cached beside the main evaluation's, so a re-run decodes nothing. The tiny LM was pretrained on 512-token
/// windows: longer prompts ask it to extrapolate, which is part of what the sweep measures.</summary>
public static class RagSweepRun
{
    /// <summary>Grid of the tiny preset, scaled from the paper's (512/256-token chunks, k 3/5/10) to the tiny LM's 512-token window.</summary>
    public static readonly IReadOnlyList<(int ChunkTokens, int K)> Tiny = [(128, 3), (128, 5), (128, 10), (64, 5)];

    /// <summary>Scores every (chunk tokens, k) of <paramref name="grid"/>; rows are named rag-{tokens}-k{k} (and fft-rag-… with FFT).</summary>
    public static async Task<RagSweepResult> RunAsync(StaticExperiment experiment, IReadOnlyList<RepoInput> repos,
        IEnumerable<(int ChunkTokens, int K)> grid, string resultsDir, IProgress<(string Method, string Split, int Done, int Total)>? progress = null)
    {
        var c = experiment.Config;
        var splits = new[] { SplitNames.CrTest, SplitNames.IrTest }.ToDictionary(s => s,
            s => experiment.Sample(experiment.Bench.StaticTasks.Where(t => t.Split == s).ToList(), c.EvalTasksPerSplit, "eval/" + s));
        var lm = experiment.LoadBase();
        var slots = LoraSlots.Install(lm.Model, c.Lora);
        var cache = new PredictionCache(Path.Combine(resultsDir, "predictions"));
        var baseId = StaticEvaluation.ModelIdentity("base", lm.Directory);
        var fft = File.Exists(Path.Combine(experiment.FftDirectory, "config.json")) ? experiment.LoadFullFineTune() : null;
        var fftId = fft is null ? null : StaticEvaluation.ModelIdentity("fft", experiment.FftDirectory);
        var all = splits.Values.SelectMany(v => v).ToList();
        var rows = new Dictionary<string, MethodSummary>();
        var caps = new Dictionary<string, int>();
        foreach (var (name, config) in RagSweep.Configs(grid, c.Rag))
        {
            var rag = await RagContext.CreateAsync(repos, lm.Tokenizer, config, new ChunkEmbedder(lm.Model, lm.Tokenizer, c.EvalBatchSize),
                Path.Combine(experiment.BenchDirectory, "rag"));
            await rag.PrepareAsync(all);
            var ragId = StaticEvaluation.RagIdentity(rag);
            var cap = 1 + c.MaxTokens + all.Max(t => rag.ContextFor(t) is { } context ? lm.Tokenizer.Encode(context).Length : 0);
            var settings = c.Decoding.WithContextRoom(cap);
            async Task Score(ICompletionMethod method, string identity, Models.LoadedModel model)
            {
                var scored = (await cache.RunAsync(method, identity, model.Model, model.Tokenizer, splits, settings,
                    progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((method.Name, p.Split, p.Done, p.Total))))).Rows;
                rows[method.Name] = MethodSummary.Of(scored, c.Seed);
                caps[method.Name] = cap;
            }
            await Score(ContextMethod.OnBase(rag, name, slots), $"{baseId} {ragId}", lm);
            if (fft is not null) await Score(ContextMethod.WithContext(new BaseModelMethod("fft"), rag, "fft-" + name), $"{fftId} {ragId}", fft);
        }
        fft?.Model.Dispose();
        return new RagSweepResult(rows, caps);
    }
}
