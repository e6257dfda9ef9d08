using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l eval forge-checks --config configs/evo/forge.json`: docs/forge.md's fairness checks 1–4 on a forge evolution track
/// (the base by task kind, an oracle context, per-repository against single LoRA, stale snapshots); writes results/evo/&lt;run&gt;/fairness.{md,json}.</summary>
internal static class ForgeChecksCommand
{
    public static Command Create()
    {
        var preset = new ConfigOptions("evo");
        var baseModel = new Option<string?>("--base-model") { Description = "Base model directory (shorthand for --set base_model=<full path>)." };
        var examples = new Option<int?>("--per-repo-examples") { Description = "Training tasks per per-repository LoRA (default 0: all of the repository's)." };
        var epochs = new Option<double?>("--per-repo-epochs") { Description = "Epochs of each per-repository LoRA (default: the linked static config's per_repo_lora_epochs)." };
        var cmd = preset.AddTo(new Command("forge-checks",
            "The forge's fairness checks (docs/forge.md): oracle context, single vs per-repository LoRA, stale snapshots; needs c2l train evo and evo-slora of the same config (resumable).")
            { baseModel, examples, epochs });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var loaded = preset.Load<EvoExperimentConfig>(r, TrainCommand.BaseModelOverride(r.GetValue(baseModel)));
            var (summary, results) = await RunAsync(loaded, r.GetValue(examples), r.GetValue(epochs), ct);
            Console.WriteLine(summary.Markdown());
            AnsiConsole.MarkupLine($"→ {Markup.Escape(Path.Combine(results, "fairness.md"))}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The checks of a loaded forge config (also `c2l reproduce --controlled`'s last stage): refuses bad per-repo settings and a
    /// benchmark without a forge before anything is built, then runs <see cref="ForgeFairness.RunAsync"/>; returns the summary and its folder.</summary>
    internal static async Task<(FairnessSummary Summary, string Results)> RunAsync(LoadedConfig<EvoExperimentConfig> loaded, int? examples, double? epochs, CancellationToken ct)
    {
        // Bad options and a benchmark without a forge fail before the benchmark is built or a model loads.
        var staticConfig = loaded.Linked<StaticExperimentConfig>("static", loaded.Value.Static).Value;
        // Check 3 asks whether an adapter trained on its own repository beats the shared one, so by default it sees all of that repository's
        // training tasks: the per-repo baseline's cap (16 on tiny) would leave it undertrained beside a single LoRA of 1,109 tasks.
        var perRepo = new PerRepoLoraSettings(examples ?? 0, epochs ?? staticConfig.PerRepoLoraEpochs, staticConfig.PerRepoLoraTraining);
        if (perRepo.MaxExamples < 0) throw new ConfigException("--per-repo-examples", perRepo.MaxExamples.ToString(System.Globalization.CultureInfo.InvariantCulture), "is negative", "give 0 (all tasks) or a positive count");
        if (perRepo.Epochs <= 0) throw new ConfigException("--per-repo-epochs", perRepo.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "is not positive", "give a positive number of epochs");
        if (loaded.Linked<Preset>("bench", loaded.Value.Bench).Value.Forge is null)
            throw new ConfigException(loaded.Source, "bench", $"'{loaded.Value.Bench}' has no forge (its evolution track is not forged)", "run the fairness checks on a forge config, e.g. --config configs/evo/forge.json");
        var (experiment, repos, _) = await EvoCommand.OpenAsync(loaded);
        if (ForgeFairness.Genomes(repos).Count == 0)
            throw new ConfigException(loaded.Source, "bench", "names a benchmark without forge repositories", "run the fairness checks on a forge config, e.g. --config configs/evo/forge.json");
        var store = await EvoCommand.VectorsAsync(experiment, repos, ct);
        // The static head of check 4 comes from the static experiment trained on the same benchmark folder, as in c2l eval evo.
        var statics = await StaticExperiment.OpenAsync(staticConfig with { BaseModel = experiment.Config.BaseModel },
            experiment.BenchDirectory, Path.Combine(RepoPaths.Work, "static-" + TrainCommand.RunName(staticConfig.Name, null)));
        var results = Path.Combine(RepoPaths.Results, "evo", TrainCommand.NameOfRun(experiment.RunDirectory, "evo-"));
        var summary = await ProgressView.RunAsync(progress => Task.Run(() => ForgeFairness.RunAsync(experiment, store, statics, repos, perRepo, results, BenchCommand.CommandLine(),
            new SyncProgress<(string Stage, int Done, int Total)>(p => progress.Report(new BenchProgress(p.Stage, p.Done, p.Total, null))), ct), ct));
        return (summary, results);
    }
}
