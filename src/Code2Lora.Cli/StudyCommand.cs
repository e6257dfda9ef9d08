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
        var preset = BenchCommand.PresetOption();
        var variants = new Option<string?>("--variants")
        {
            Description = $"Comma-separated variants (default all: {string.Join(", ", ConditioningStudy.Default.Select(v => v.Name))}).",
        };
        var conditioning = new Command("conditioning",
            "Train the static head under each variant (own run folder, resumable) and measure how much its adapters depend on the repository; writes results/conditioning/<preset>/.")
            { preset, variants };
        conditioning.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var chosen = Pick(r.GetValue(variants));
            var (experiment, repos) = await TrainCommand.OpenAsync(r.GetValue(preset)!, null);
            var contexts = await TrainCommand.ContextsAsync(experiment, repos, experiment.LoadEncoder(), ct);
            var name = experiment.Config.Name;
            var results = Path.Combine(RepoPaths.Results, "conditioning", name);
            var study = await ProgressView.RunAsync(progress => Task.Run(() => ConditioningStudy.RunAsync(experiment.Config, experiment.BenchDirectory,
                Path.Combine(RepoPaths.Work, "conditioning-" + name), contexts, chosen, results, BenchCommand.CommandLine(),
                new SyncProgress<(string Variant, Training.TrainingProgress Step)>(p =>
                    progress.Report(new BenchProgress($"train {p.Variant}", p.Step.Step, p.Step.Steps, $"loss {p.Step.Loss:F3}"))), ct), ct));
            Console.WriteLine(ConditioningStudy.Markdown(study));
            AnsiConsole.MarkupLine($"→ {Markup.Escape(results)}");
            return 0;
        }));
        var cmd = new Command("study", "Studies beyond the paper's tables.");
        cmd.Subcommands.Add(conditioning);
        return cmd;
    }

    private static IReadOnlyList<ConditioningVariant> Pick(string? names)
    {
        if (string.IsNullOrWhiteSpace(names)) return ConditioningStudy.Default;
        return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n =>
            ConditioningStudy.Default.FirstOrDefault(v => v.Name == n)
            ?? throw new ArgumentException($"no conditioning variant '{n}' ({string.Join(", ", ConditioningStudy.Default.Select(v => v.Name))}).")).ToList();
    }
}
