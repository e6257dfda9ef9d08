using System.CommandLine;
using Code2Lora.Config;
using Code2Lora.Runtime;
using Code2Lora.Training.Throughput;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l bench contention`: a tiny training alone, then two at once, under each OpenMP wait policy and thread count;
/// writes results/bench/contention.json with the load averages.</summary>
internal static class BenchContentionCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Pretraining preset whose model and batch are trained (tiny | smoke)", DefaultValueFactory = _ => "tiny" };
        var steps = new Option<int>("--steps") { Description = "Timed steps per training (40 take about a minute alone on 2 quiet cores with tiny)", DefaultValueFactory = _ => 40 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up steps", DefaultValueFactory = _ => 2 };
        var variants = new Option<string?>("--variants")
        {
            Description = $"Comma-separated variant numbers, 1-based (default all: {string.Join("; ", ContentionVariant.Defaults.Select((v, i) => $"{i + 1} {v.Name}"))})",
        };
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/contention.json)" };
        var cmd = new Command("contention", "Time a tiny training alone and two at once (each variant of OpenMP wait policy and threads); goal: each of two keeps ≥ 40 % of its solo speed.")
            { preset, steps, warmup, variants, output };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var outPath = OutputFolder.CheckFileFolder(r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench", "contention.json"));
            var chosen = Pick(r.GetValue(variants));
            // The trainings run as separate c2l processes, each loading LibTorch with its own environment.
            var launcher = new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "c2l.dll") };
            AnsiConsole.MarkupLine($"[bold]bench contention[/] {chosen.Count} variants × (1 alone + 2 at once) × {r.GetValue(steps)} steps; load now {Markup.Escape(MachineLoad.Now() ?? "unknown")}");
            var result = ContentionBench.Measure(launcher, r.GetValue(preset)!, r.GetValue(steps), r.GetValue(warmup), chosen, BenchCommand.CommandLine(),
                line => Console.WriteLine(line));
            AtomicFile.WriteText(outPath, System.Text.Json.JsonSerializer.Serialize(result, Provenance.Json));
            Console.WriteLine(ContentionBench.Markdown(result));
            Console.WriteLine($"wrote {outPath}");
            return 0;
        }));
        return cmd;
    }

    private static IReadOnlyList<ContentionVariant> Pick(string? numbers)
    {
        if (string.IsNullOrWhiteSpace(numbers)) return ContentionVariant.Defaults;
        return numbers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n =>
            int.TryParse(n, out var i) && i >= 1 && i <= ContentionVariant.Defaults.Count ? ContentionVariant.Defaults[i - 1]
                : throw new ArgumentException($"--variants '{n}': no such variant; use numbers 1 to {ContentionVariant.Defaults.Count}.")).ToList();
    }
}
