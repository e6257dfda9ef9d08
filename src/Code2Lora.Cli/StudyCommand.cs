using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l study conditioning`: what makes the static head's adapters depend on the repository.</summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var preset = new ConfigOptions("conditioning");
        var variants = new Option<string?>("--variants")
        {
            Description = "Comma-separated variants of the config to run (default: all).",
        };
        var conditioning = new Command("conditioning",
            "Train the static head under each variant (own run folder, resumable) and measure how much its adapters depend on the repository; with the config's own head and both input controls (repository-id, shuffled-vectors) among the variants, also the controls table against single LoRA; writes results/conditioning/<preset>/.")
            { variants };
        preset.AddTo(conditioning);
        conditioning.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var study = preset.Load<ConditioningStudyConfig>(r);
            var chosen = Pick(study.Value.ToVariants(), r.GetValue(variants));
            var staticConfig = study.Linked<StaticExperimentConfig>("static", study.Value.Static);
            RunConfigs.Record(staticConfig.Stamp);
            var (experiment, repos) = await TrainCommand.OpenAsync(staticConfig);
            var contexts = await TrainCommand.ContextsAsync(experiment, repos, experiment.LoadEncoder(), ct);
            var name = study.Value.Name;
            var results = Path.Combine(RepoPaths.Results, "conditioning", name);
            study.Save(results);
            var outcome = await ProgressView.RunAsync(progress => Task.Run(() => ConditioningStudy.RunAsync(experiment, contexts,
                Path.Combine(RepoPaths.Work, "conditioning-" + name), chosen, results, BenchCommand.CommandLine(),
                new SyncProgress<(string Variant, Training.TrainingProgress Step)>(p =>
                    progress.Report(new BenchProgress($"train {p.Variant}", p.Step.Step, p.Step.Steps, $"loss {p.Step.Loss:F3}"))), ct), ct));
            Console.WriteLine(ConditioningStudy.Markdown(outcome));
            if (outcome.Controls is { } controls) Console.WriteLine(ConditioningControls.Markdown(controls));
            AnsiConsole.MarkupLine($"→ {Markup.Escape(results)}");
            return 0;
        }));
        var cmd = new Command("study", "Studies beyond the paper's tables.");
        cmd.Subcommands.Add(conditioning);
        return cmd;
    }

    private static IReadOnlyList<ConditioningVariant> Pick(IReadOnlyList<ConditioningVariant> all, string? names)
    {
        if (string.IsNullOrWhiteSpace(names)) return all;
        return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n =>
            all.FirstOrDefault(v => v.Name == n)
            ?? throw new ArgumentException($"--variants '{n}': no such variant; use {string.Join(", ", all.Select(v => v.Name))}.")).ToList();
    }
}
