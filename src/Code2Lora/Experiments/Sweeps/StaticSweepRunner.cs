using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Runtime;
using Code2Lora.Training;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>One static-track sweep run through the library calls <c>c2l train static|slora|fft|t2l|plora</c> and <c>c2l eval</c> make:
/// the benchmark (built under data/work/ when missing, shared by every run), the repository vectors (cached in the benchmark folder),
/// each requested training, then <see cref="StaticEvaluation"/> into the run's results folder. The context baselines (RAG, DRC) do not
/// depend on a training config and are left out.</summary>
/// <param name="benchDirectory">A benchmark folder to use instead of the config's (tests: a hand-written one).</param>
/// <param name="contexts">Repository vectors to use instead of embedding the benchmark's repositories (tests).</param>
public sealed class StaticSweepRunner(string? benchDirectory = null, Func<StaticExperiment, RepoContexts>? contexts = null) : ISweepRunner
{
    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, SweepMethodResult>> RunAsync(SweepRun run, IReadOnlyList<string> methods, StageTimings timings, string command,
        Action<string>? note, CancellationToken cancel)
    {
        NativeHeap.UseTrimmedHeap();
        var config = (StaticExperimentConfig)run.Config.Value;
        FrozenBase.Check(config.BaseModel);
        IReadOnlyList<RepoInput> repos = [];
        var benchDir = benchDirectory;
        if (benchDir is null)
        {
            var bench = run.Config.Linked<Preset>("bench", config.Bench);
            RunConfigs.Record(bench.Stamp);
            benchDir = await SweepBench.EnsureBuiltAsync(bench.Value, command, cancel);
            repos = BenchInputs.Prepare(bench.Value, RepoPaths.Work);
        }
        var experiment = await StaticExperiment.OpenAsync(config, benchDir, run.RunDirectory);
        var vectors = contexts is not null ? contexts(experiment)
            : await timings.TimeAsync("repository vectors", () => experiment.ContextsAsync(repos, experiment.LoadEncoder(), cancel: cancel));
        foreach (var method in methods)
        {
            note?.Invoke($"train {method}");
            await timings.TimeAsync($"train {method}", () => Task.Run(() => Train(experiment, method, vectors, cancel), cancel));
        }
        note?.Invoke("evaluate");
        // The sweep chose what to train and leaves the context baselines out: the evaluation's notes about those are noise here.
        void Relevant(string line) { if (!line.Contains("not trained, skipped") && !line.Contains("no repository inputs given")) note?.Invoke(line); }
        var summary = await timings.TimeAsync("evaluate", () => StaticEvaluation.RunAsync(experiment, vectors, run.ResultsDirectory, command, note: Relevant));
        return methods.ToDictionary(m => m, m => new SweepMethodResult(
            summary.Methods.TryGetValue(SweepMethods.SummaryName(m), out var row) ? row : throw new InvalidOperationException($"{run.Folder}: the evaluation has no row for {m}."),
            Path.Combine("results", "predictions", SweepMethods.SummaryName(m))));
    }

    private static void Train(StaticExperiment e, string method, RepoContexts vectors, CancellationToken cancel)
    {
        if (method == SweepMethods.Base) return;   // the evaluation decodes the frozen base in every run
        if (method == "plora")
        {
            if (!e.TrainPerRepoLora(e.LoadBase(), cancel: cancel).Completed) throw new OperationCanceledException("plora stopped part-way", cancel);
            return;
        }
        TrainingResult result = method switch
        {
            "static" => e.TrainStatic(e.LoadBase(), vectors, cancel: cancel),
            "slora" => e.TrainSingleLora(e.LoadBase(), cancel: cancel),
            "fft" => e.TrainFullFineTune(e.LoadBase(), cancel: cancel),
            "t2l" => e.TrainText2Lora(e.LoadBase(), vectors, cancel: cancel),
            _ => throw new ArgumentException($"no static-track method '{method}' ({string.Join(", ", SweepMethods.Known["static"])})."),
        };
        if (!result.Completed) throw new OperationCanceledException($"{method} stopped at step {result.Step}", cancel);
    }
}
