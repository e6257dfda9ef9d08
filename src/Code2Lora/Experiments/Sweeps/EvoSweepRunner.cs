using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>One evolution-track sweep run through the library calls of <c>c2l train evo|evo-slora</c> and <c>c2l eval evo</c>: the
/// benchmark (built when missing), the vectors (cached in the benchmark folder), Evo and its single LoRA (with the linked static config's
/// single-LoRA settings, as <c>c2l train evo-slora</c>), then <see cref="EvoEvaluation"/> without the static rows and RAG.</summary>
public sealed class EvoSweepRunner : ISweepRunner
{
    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, SweepMethodResult>> RunAsync(SweepRun run, IReadOnlyList<string> methods, StageTimings timings, string command,
        Action<string>? note, CancellationToken cancel)
    {
        NativeHeap.UseTrimmedHeap();
        var config = (EvoExperimentConfig)run.Config.Value;
        FrozenBase.Check(config.BaseModel);
        var bench = run.Config.Linked<Preset>("bench", config.Bench);
        var statics = run.Config.Linked<StaticExperimentConfig>("static", config.Static);
        RunConfigs.Record(bench.Stamp);
        RunConfigs.Record(statics.Stamp);
        var benchDir = await SweepBench.EnsureBuiltAsync(bench.Value, command, cancel);
        var repos = BenchInputs.Prepare(bench.Value, RepoPaths.Work);
        var experiment = await EvoExperiment.OpenAsync(config, benchDir, run.RunDirectory);
        var store = await timings.TimeAsync("vectors", () => experiment.VectorsAsync(repos, experiment.LoadEncoder(), cancel: cancel));
        foreach (var method in methods.Where(m => m != SweepMethods.Base))   // the evaluation decodes the frozen base in every run
        {
            note?.Invoke($"train {method}");
            var result = await timings.TimeAsync($"train {method}", () => Task.Run(() => method switch
            {
                "evo" => experiment.TrainEvo(experiment.LoadBase(), store, cancel: cancel),
                "evo-slora" => experiment.TrainSingleLora(experiment.LoadBase(), statics.Value.SingleLoraEpochs, statics.Value.SingleLoraTraining, cancel: cancel),
                _ => throw new ArgumentException($"no evolution-track method '{method}' ({string.Join(", ", SweepMethods.Known["evo"])})."),
            }, cancel));
            if (!result.Completed) throw new OperationCanceledException($"{method} stopped at step {result.Step}", cancel);
        }
        note?.Invoke("evaluate");
        var summary = await timings.TimeAsync("evaluate", () => EvoEvaluation.RunAsync(experiment, store, run.ResultsDirectory, command));
        return methods.ToDictionary(m => m, m => new SweepMethodResult(
            summary.Methods.TryGetValue(SweepMethods.SummaryName(m), out var row) ? row : throw new InvalidOperationException($"{run.Folder}: the evaluation has no row for {m}."),
            Path.Combine("results", "predictions", SweepMethods.SummaryName(m))));
    }
}
