using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l eval crossval`: k-fold cross-validation over the static track's repositories (trains each fold's head and single LoRA,
/// resumable fold by fold, then scores every held-out task).</summary>
internal static class CrossValCommand
{
    public static Command Create()
    {
        var preset = new ConfigOptions("static");
        var folds = new Option<int>("--folds") { Description = "Number of folds over the repositories (each holds out about 1/k of them).", DefaultValueFactory = _ => 5 };
        var cmd = new Command("crossval", "Cross-repository claims by k-fold cross-validation over the static track's repositories: per fold, train Code2LoRA-Static and single LoRA on the other repositories and score every task of the held-out ones; writes results/static/<name>/crossval-k<k>/ (the paper's single split stays results/static/<name>/).") { folds };
        preset.AddTo(cmd);
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var (experiment, repos) = await TrainCommand.OpenAsync(preset.Load<StaticExperimentConfig>(r));
            await RunAsync(experiment, await TrainCommand.ContextsAsync(experiment, repos, experiment.LoadEncoder(), ct), r.GetValue(folds), ct);
            return 0;
        }));
        return cmd;
    }

    /// <summary>`c2l eval crossval-evo`: the same over the evolution track's histories (trains each fold's Evo and single LoRA).</summary>
    public static Command CreateEvo()
    {
        var preset = new ConfigOptions("evo");
        var folds = new Option<int>("--folds") { Description = "Number of folds over the histories (each holds out about 1/k of them).", DefaultValueFactory = _ => 5 };
        var cmd = new Command("crossval-evo", "Cross-repository claims of the evolution track by k-fold cross-validation over its histories: per fold, train Code2LoRA-Evo and its single LoRA on the other histories and score every held-out commit; writes results/evo/<name>/crossval-k<k>/ (the paper's single split stays results/evo/<name>/).") { folds };
        preset.AddTo(cmd);
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var (experiment, repos, statics) = await EvoCommand.OpenAsync(preset.Load<EvoExperimentConfig>(r));
            experiment.CheckMemory();
            await RunEvoAsync(experiment, await EvoCommand.VectorsAsync(experiment, repos, ct), statics, r.GetValue(folds), ct);
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs the evolution track's cross-validation with progress bars and prints its summary.</summary>
    internal static async Task RunEvoAsync(EvoExperiment experiment, Encoders.EmbeddingStore store, StaticExperimentConfig statics, int k, CancellationToken ct)
    {
        var name = TrainCommand.NameOfRun(experiment.RunDirectory, "evo-");
        var results = Path.Combine(RepoPaths.Results, "evo", name, $"crossval-k{k}");
        var summary = await ProgressView.RunAsync(progress => Task.Run(() => EvoCrossValidation.RunAsync(experiment, store, statics.SingleLoraEpochs, statics.SingleLoraTraining,
            k, results, BenchCommand.CommandLine(), Path.Combine(RepoPaths.Results, "evo", name, "summary.json"),
            new SyncProgress<(string Stage, int Done, int Total)>(p => progress.Report(new BenchProgress(p.Stage, p.Done, p.Total, null))), ct), ct));
        Console.WriteLine(CrossRepoValidation.Markdown(summary));
        AnsiConsole.MarkupLine($"→ {Markup.Escape(results)}");
    }

    /// <summary>Runs the cross-validation with progress bars and prints its summary.</summary>
    internal static async Task RunAsync(StaticExperiment experiment, Hyper.RepoContexts contexts, int k, CancellationToken ct)
    {
        var name = experiment.Config.Name;
        var results = Path.Combine(RepoPaths.Results, "static", name, $"crossval-k{k}");
        var summary = await ProgressView.RunAsync(progress => Task.Run(() => CrossRepoValidation.RunAsync(experiment, contexts, k, results, BenchCommand.CommandLine(),
            Path.Combine(RepoPaths.Results, "static", name, "summary.json"),
            new SyncProgress<(string Stage, int Done, int Total)>(p => progress.Report(new BenchProgress(p.Stage, p.Done, p.Total, null))), ct), ct));
        Console.WriteLine(CrossRepoValidation.Markdown(summary));
        AnsiConsole.MarkupLine($"→ {Markup.Escape(results)}");
    }
}
