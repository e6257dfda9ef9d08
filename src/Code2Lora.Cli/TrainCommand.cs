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

/// <summary>`c2l train static|slora` and `c2l eval`: the static-track experiment (paper Table 2), resumable step by step.</summary>
internal static class TrainCommand
{
    private static Option<string?> BaseModelOption() => new("--base-model") { Description = "Base model directory (default data/models/tiny-python-lm)." };

    public static Command Create()
    {
        var train = new Command("train", "Train a method of the static experiment (resumable: re-run the same command).");
        train.Subcommands.Add(Method("static", "Code2LoRA-Static: the hypernetwork head over the frozen base.", (e, lm, ctx, p, ct) => e.TrainStatic(lm, ctx(), p, ct)));
        train.Subcommands.Add(Method("slora", "Single LoRA shared by all repositories.", (e, lm, _, p, ct) => e.TrainSingleLora(lm, p, ct)));
        return train;
    }

    public static Command CreateEval()
    {
        var preset = BenchCommand.PresetOption();
        var baseModel = BaseModelOption();
        var cmd = new Command("eval", "Evaluate every trained static-track method and the ablations; writes results/static/<preset>/.") { preset, baseModel };
        cmd.SetAction(async (r, ct) => await Guard(async () =>
        {
            var (experiment, repos) = await OpenAsync(r.GetValue(preset)!, r.GetValue(baseModel));
            var lm = experiment.LoadBase();
            var contexts = await ContextsAsync(experiment, repos, lm, ct);
            var results = Path.Combine(RepoPaths.Results, "static", experiment.Config.Name);
            var summary = await ProgressView.RunAsync(progress => Task.Run(() => StaticEvaluation.RunAsync(experiment, contexts, results, BenchCommand.CommandLine(),
                new SyncProgress<(string Method, string Split, int Done, int Total)>(p => progress.Report(new BenchProgress($"{p.Method} {p.Split}", p.Done, p.Total, null)))), ct));
            Console.WriteLine(StaticEvaluation.Markdown(summary));
            AnsiConsole.MarkupLine($"→ {Markup.Escape(results)}");
        }));
        return cmd;
    }

    /// <summary>The whole static experiment of a preset: vectors, both trainings, evaluation (each step resumes or reuses its output).</summary>
    internal static async Task RunAllAsync(string presetName, CancellationToken ct)
    {
        var (experiment, repos) = await OpenAsync(presetName, null);
        var lm = experiment.LoadBase();
        var contexts = await ContextsAsync(experiment, repos, lm, ct);
        foreach (var (name, run) in new (string, Func<IProgress<TrainingProgress>, TrainingResult>)[]
                 {
                     ("static", p => experiment.TrainStatic(experiment.LoadBase(), contexts, p, ct)),
                     ("slora", p => experiment.TrainSingleLora(experiment.LoadBase(), p, ct)),
                 })
        {
            var result = await ProgressView.RunAsync(progress => Task.Run(() => run(
                new SyncProgress<TrainingProgress>(p => progress.Report(new BenchProgress($"train {name}", p.Step, p.Steps, $"loss {p.Loss:F3}"))))));
            if (!result.Completed) throw new InvalidOperationException($"{name} training stopped at step {result.Step}; run the same command to resume.");
        }
        var results = Path.Combine(RepoPaths.Results, "static", experiment.Config.Name);
        var summary = await ProgressView.RunAsync(progress => Task.Run(() => StaticEvaluation.RunAsync(experiment, contexts, results, BenchCommand.CommandLine(),
            new SyncProgress<(string Method, string Split, int Done, int Total)>(p => progress.Report(new BenchProgress($"{p.Method} {p.Split}", p.Done, p.Total, null)))), ct));
        Console.WriteLine(StaticEvaluation.Markdown(summary));
    }

    private delegate TrainingResult Trainer(StaticExperiment e, LoadedModel lm, Func<Hyper.RepoContexts> contexts, IProgress<TrainingProgress> progress, CancellationToken ct);

    private static Command Method(string name, string description, Trainer run)
    {
        var preset = BenchCommand.PresetOption();
        var baseModel = BaseModelOption();
        var cmd = new Command(name, description) { preset, baseModel };
        cmd.SetAction(async (r, ct) => await Guard(async () =>
        {
            var (experiment, repos) = await OpenAsync(r.GetValue(preset)!, r.GetValue(baseModel));
            var lm = experiment.LoadBase();
            var contexts = name == "static" ? await ContextsAsync(experiment, repos, lm, ct) : null;
            var result = await ProgressView.RunAsync(progress => Task.Run(() => run(experiment, lm, () => contexts!,
                new SyncProgress<TrainingProgress>(p => progress.Report(new BenchProgress($"train {name}", p.Step, p.Steps, $"loss {p.Loss:F3}"))), ct)));
            AnsiConsole.MarkupLine(result.Completed
                ? $"[bold green]{name}[/] trained: {result.Step} steps, last loss {result.LastLoss:F3}, {string.Join(", ", result.LastEval.Select(kv => $"{kv.Key} {kv.Value:F3}"))}"
                : $"[yellow]stopped[/] at step {result.Step}; run the same command to resume.");
        }));
        return cmd;
    }

    private static async Task<(StaticExperiment, IReadOnlyList<RepoInput>)> OpenAsync(string presetName, string? baseModel)
    {
        NativeHeap.UseTrimmedHeap();
        var p = Presets.Get(presetName);
        var config = StaticExperimentConfig.Get(p.Name);
        if (baseModel is not null) config = config with { BaseModel = Path.GetFullPath(baseModel) };
        var benchDir = Path.Combine(RepoPaths.Work, "bench-" + p.Name);
        if (!File.Exists(Path.Combine(benchDir, "manifest.json"))) await BenchCommand.BuildAsync(p, benchDir, [], BenchCommand.CommandLine(), CancellationToken.None);
        var experiment = await StaticExperiment.OpenAsync(config, benchDir, Path.Combine(RepoPaths.Work, "static-" + p.Name));
        return (experiment, BenchInputs.Prepare(p, RepoPaths.Work));
    }

    private static Task<Hyper.RepoContexts> ContextsAsync(StaticExperiment experiment, IReadOnlyList<RepoInput> repos, LoadedModel lm, CancellationToken ct) =>
        ProgressView.RunAsync(progress => experiment.ContextsAsync(repos, lm,
            new SyncProgress<EmbeddingProgress>(e => progress.Report(new BenchProgress("embed " + e.Phase, e.Done, e.Total, e.Current))), ct));

    private static async Task<int> Guard(Func<Task> work)
    {
        try { await work(); return 0; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException or KeyNotFoundException or TrainingDivergedException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
    }
}
