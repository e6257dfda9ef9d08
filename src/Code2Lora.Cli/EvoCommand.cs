using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Experiments;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l train evo` and `c2l eval evo`: the evolution-track experiment (paper Table 3), resumable.</summary>
internal static class EvoCommand
{
    /// <summary>`c2l train evo --preset P`: embeds what is missing, then trains (or resumes) Code2LoRA-Evo.</summary>
    public static Command CreateTrain()
    {
        var preset = new ConfigOptions("evo");
        var baseModel = new Option<string?>("--base-model") { Description = "Base model directory (shorthand for --set base_model=<full path>)." };
        var bench = TrainCommand.BenchOption();
        var cmd = preset.AddTo(new Command("evo", "Code2LoRA-Evo: a GRU over commit diffs feeding the hypernetwork head (resumable: re-run the same command).") { baseModel, bench });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var (experiment, repos, _) = await OpenAsync(preset.Load<EvoExperimentConfig>(r, TrainCommand.BaseModelOverride(r.GetValue(baseModel))), r.GetValue(bench));
            experiment.CheckMemory();   // before the vectors are embedded, not after
            var store = await VectorsAsync(experiment, repos, ct);
            var result = await ProgressView.RunAsync(progress => Task.Run(() => experiment.TrainEvo(experiment.LoadBase(), store,
                new SyncProgress<TrainingProgress>(p => progress.Report(new BenchProgress("train evo", p.Step, p.Steps, $"loss {p.Loss:F3}"))), ct)));
            AnsiConsole.MarkupLine(result.Completed
                ? $"[bold green]evo[/] trained: {result.Step} steps, last loss {result.LastLoss:F3}, {string.Join(", ", result.LastEval.Select(kv => $"{kv.Key} {kv.Value:F3}"))}"
                : $"[yellow]stopped[/] at step {result.Step}; run the same command to resume.");
            return 0;
        }));
        return cmd;
    }

    /// <summary>`c2l train evo-slora --preset P`: the single shared LoRA on the evolution track's training tasks (the sLoRA row).</summary>
    public static Command CreateTrainSingleLora()
    {
        var preset = new ConfigOptions("evo");
        var baseModel = new Option<string?>("--base-model") { Description = "Base model directory (shorthand for --set base_model=<full path>)." };
        var bench = TrainCommand.BenchOption();
        var cmd = preset.AddTo(new Command("evo-slora", "Single LoRA on the evolution track's training tasks, the baseline of c2l eval evo (resumable).") { baseModel, bench });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var (experiment, _, statics) = await OpenAsync(preset.Load<EvoExperimentConfig>(r, TrainCommand.BaseModelOverride(r.GetValue(baseModel))), r.GetValue(bench));
            var result = await ProgressView.RunAsync(progress => Task.Run(() => experiment.TrainSingleLora(experiment.LoadBase(), statics.SingleLoraEpochs, statics.SingleLoraTraining,
                new SyncProgress<TrainingProgress>(p => progress.Report(new BenchProgress("train evo-slora", p.Step, p.Steps, $"loss {p.Loss:F3}"))), ct)));
            AnsiConsole.MarkupLine(result.Completed ? $"[bold green]evo-slora[/] trained: {result.Step} steps, last loss {result.LastLoss:F3}"
                : $"[yellow]stopped[/] at step {result.Step}; run the same command to resume.");
            return 0;
        }));
        return cmd;
    }

    /// <summary>`c2l eval evo --preset P`: every available method on CR-test and IR-test; writes results/evo/&lt;preset&gt;/.</summary>
    public static Command CreateEval()
    {
        var preset = new ConfigOptions("evo");
        var baseModel = new Option<string?>("--base-model") { Description = "Base model directory (shorthand for --set base_model=<full path>)." };
        var bench = TrainCommand.BenchOption();
        var cmd = preset.AddTo(new Command("evo", "Evaluate the evolution-track methods and ablations; writes results/evo/<preset>/.") { baseModel, bench });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var loaded = preset.Load<EvoExperimentConfig>(r, TrainCommand.BaseModelOverride(r.GetValue(baseModel)));
            var (experiment, repos, statics) = await OpenAsync(loaded, r.GetValue(bench));
            var store = await VectorsAsync(experiment, repos, ct);
            await EvaluateAsync(loaded, experiment, statics, store, repos, ct, r.GetValue(bench));
            return 0;
        }));
        return cmd;
    }

    /// <summary>The evolution experiment of a preset for `c2l reproduce`: vectors, Evo, its single LoRA and the evaluation, each a timed stage.</summary>
    internal static async Task RunAllAsync(LoadedConfig<EvoExperimentConfig> config, StageTimings timings, CancellationToken ct, string stage = "evo", int crossValidationFolds = 0)
    {
        var (experiment, repos, statics) = await OpenAsync(config);
        experiment.CheckMemory();
        var store = await timings.TimeAsync($"{stage}: vectors", () => VectorsAsync(experiment, repos, ct));
        var evo = await timings.TimeAsync($"{stage}: train evo", () => ProgressView.RunAsync(progress => Task.Run(() => experiment.TrainEvo(experiment.LoadBase(), store,
            new SyncProgress<TrainingProgress>(p => progress.Report(new BenchProgress("train evo", p.Step, p.Steps, $"loss {p.Loss:F3}"))), ct))));
        if (!evo.Completed) throw new InvalidOperationException($"evo training stopped at step {evo.Step}; run the same command to resume.");
        var slora = await timings.TimeAsync($"{stage}: train single LoRA", () => ProgressView.RunAsync(progress => Task.Run(() => experiment.TrainSingleLora(experiment.LoadBase(),
            statics.SingleLoraEpochs, statics.SingleLoraTraining,
            new SyncProgress<TrainingProgress>(p => progress.Report(new BenchProgress("train evo-slora", p.Step, p.Steps, $"loss {p.Loss:F3}"))), ct))));
        if (!slora.Completed) throw new InvalidOperationException($"evo-slora training stopped at step {slora.Step}; run the same command to resume.");
        await timings.TimeAsync($"{stage}: evaluate", () => EvaluateAsync(config, experiment, statics, store, repos, ct));
        if (crossValidationFolds > 0)
            await timings.TimeAsync($"{stage}: {crossValidationFolds}-fold cross-validation", () => CrossValCommand.RunEvoAsync(experiment, store, statics, crossValidationFolds, ct));
    }

    /// <summary>Evaluates every available evolution-track method with progress bars and prints the Table 3 analog.</summary>
    private static async Task EvaluateAsync(LoadedConfig<EvoExperimentConfig> loaded, EvoExperiment experiment, StaticExperimentConfig staticConfig,
        EmbeddingStore store, IReadOnlyList<RepoInput> repos, CancellationToken ct, string? benchDir = null)
    {
        // The static rows come from the static experiment trained on the same benchmark folder, filed under the same run name rule.
        var statics = await StaticExperiment.OpenAsync(staticConfig with { BaseModel = experiment.Config.BaseModel },
            experiment.BenchDirectory, Path.Combine(RepoPaths.Work, "static-" + TrainCommand.RunName(staticConfig.Name, benchDir)));
        var results = Path.Combine(RepoPaths.Results, "evo", TrainCommand.NameOfRun(experiment.RunDirectory, "evo-"));
        loaded.Save(results);
        var summary = await ProgressView.RunAsync(progress => Task.Run(() => EvoEvaluation.RunAsync(experiment, store, results, BenchCommand.CommandLine(), statics, null,
            new SyncProgress<(string Method, string Split, int Done, int Total)>(p => progress.Report(new BenchProgress($"{p.Method} {p.Split}", p.Done, p.Total, null))), repos.Count > 0 ? repos : null), ct));   // no inputs (an imported benchmark): no RAG
        Console.WriteLine(EvoEvaluation.Markdown(summary));
        AnsiConsole.MarkupLine($"→ {Markup.Escape(results)}");
    }

    /// <summary>Opens the evolution experiment a config describes, with its benchmark (built when missing), run folder
    /// (data/work/evo-&lt;name&gt;/, or evo-&lt;name&gt;@&lt;folder&gt;/ on another benchmark folder given as <paramref name="benchDir"/>,
    /// which has no repository inputs; the resolved configs are saved there) and the static config its static rows come from.</summary>
    internal static async Task<(EvoExperiment, IReadOnlyList<RepoInput>, StaticExperimentConfig)> OpenAsync(LoadedConfig<EvoExperimentConfig> loaded, string? benchDir = null)
    {
        NativeHeap.UseTrimmedHeap();
        FrozenBase.Check(loaded.Value.BaseModel);          // a wrong --base-model fails before the benchmark is built
        var bench = loaded.Linked<Preset>("bench", loaded.Value.Bench);
        var statics = loaded.Linked<StaticExperimentConfig>("static", loaded.Value.Static);
        RunConfigs.Record(bench.Stamp);
        RunConfigs.Record(statics.Stamp);
        var runDir = Path.Combine(RepoPaths.Work, "evo-" + TrainCommand.RunName(loaded.Value.Name, benchDir));
        loaded.Save(runDir);
        bench.Save(runDir);
        statics.Save(runDir);
        var experiment = await EvoExperiment.OpenAsync(loaded.Value, benchDir ?? await BenchCommand.EnsureBuiltAsync(bench.Value), runDir);
        return (experiment, benchDir is null ? BenchInputs.Prepare(bench.Value, RepoPaths.Work) : [], statics.Value);
    }

    /// <summary>The vectors the experiment needs, embedded where missing, with a progress bar.</summary>
    internal static Task<EmbeddingStore> VectorsAsync(EvoExperiment experiment, IReadOnlyList<RepoInput> repos, CancellationToken ct) =>
        ProgressView.RunAsync(progress => experiment.VectorsAsync(repos, experiment.LoadEncoder(),
            new SyncProgress<EmbeddingProgress>(e => progress.Report(new BenchProgress("embed " + e.Phase, e.Done, e.Total, e.Current))), ct));
}
