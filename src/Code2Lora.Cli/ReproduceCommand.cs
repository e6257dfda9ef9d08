using System.CommandLine;
using Code2Lora.Config;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l reproduce`: every stage implemented so far, end to end, on one preset.</summary>
internal static class ReproduceCommand
{
    public static Command Create()
    {
        var preset = BenchCommand.PresetOption();
        var cmd = new Command("reproduce", "Run the whole pipeline on a preset: the benchmark (both tracks) and its report, then the static experiment (vectors, Code2LoRA-Static, single LoRA, evaluation).") { preset };
        cmd.SetAction(async (r, ct) =>
        {
            NativeHeap.UseTrimmedHeap();
            var p = Presets.Get(r.GetValue(preset)!);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var benchDir = Path.Combine(RepoPaths.Work, "bench-" + p.Name);
            await BenchCommand.BuildAsync(p, benchDir, [], BenchCommand.CommandLine(), ct);
            await BenchCommand.ReportAsync(benchDir, Path.Combine(RepoPaths.Results, "bench-stats", p.Name), BenchCommand.CommandLine());
            if (p.Name != "paper") await TrainCommand.RunAllAsync(p.Name, ct);     // the paper preset needs a downloaded base model and a GPU
            AnsiConsole.MarkupLine($"[bold green]reproduce[/] preset {p.Name} done in {clock.Elapsed.TotalMinutes:F1} min");
            return 0;
        });
        return cmd;
    }
}
