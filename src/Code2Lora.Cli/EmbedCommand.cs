using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Experiments;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l embed`: repository-state and commit-diff vectors of a built benchmark, incremental, keyed by encoder id.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var preset = BenchCommand.PresetOption();
        var model = new Option<string>("--model") { Description = "Encoder model directory (config.json, model.safetensors, tokenizer.json); the paper uses Qwen3-Embedding-0.6B.", DefaultValueFactory = _ => Path.Combine(RepoPaths.Data, "models", "tiny-python-lm") };
        var bench = new Option<string?>("--bench") { Description = "Benchmark folder (default data/work/bench-<preset>)." };
        var recipe = new Option<string>("--recipe")
        {
            Description = "experiments (default; alias tiny): the encoders the preset's static and evolution experiments read (test files excluded) | paper (released: b+c) | paper-described (a+c)",
            DefaultValueFactory = _ => "experiments",
        };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda[:n]", DefaultValueFactory = _ => "auto" };
        var cmd = new Command("embed", "Embed the repository states and commit diffs a benchmark needs; re-runs embed only what is new.") { preset, model, bench, recipe, device };
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
                var p = Presets.Get(r.GetValue(preset)!);
                var benchDir = r.GetValue(bench) ?? Path.Combine(RepoPaths.Work, "bench-" + p.Name);
                if (!File.Exists(Path.Combine(benchDir, "manifest.json")))
                    throw new InvalidOperationException($"{benchDir} holds no built benchmark; run: c2l bench build --preset {p.Name}");
                var configs = r.GetValue(recipe) switch
                {
                    "experiments" or "tiny" => PresetEncoders.For(p.Name),
                    "paper" => [EncoderConfig.Paper], "paper-described" => [EncoderConfig.PaperDescribed],
                    var other => throw new ArgumentException($"unknown recipe '{other}' (experiments, paper, paper-described)."),
                };
                var loaded = ModelDirectory.Load(r.GetValue(model)!, TorchRuntime.ResolveDevice(r.GetValue(device)!));
                loaded.Model.eval();
                var repos = BenchInputs.Prepare(p, RepoPaths.Work);
                AnsiConsole.MarkupLine($"[bold]embed[/] {Markup.Escape(benchDir)} with {Markup.Escape(loaded.Directory)} ({Markup.Escape(loaded.Config.Describe())}), recipe {r.GetValue(recipe)}");
                foreach (var config in configs)
                {
                    var summary = await ProgressView.RunAsync(progress => EmbeddingPipeline.RunAsync(benchDir, repos, loaded.Model, loaded.Tokenizer, config,
                        new SyncProgress<EmbeddingProgress>(e => progress.Report(new BenchProgress(e.Phase, e.Done, e.Total, e.Current))), ct));
                    AnsiConsole.MarkupLine($"encoder [green]{summary.EncoderId}[/]: {summary.Wanted} vectors wanted, {summary.AlreadyStored} already stored, "
                                           + $"{summary.StatesEmbedded} states + {summary.DiffsEmbedded} diffs embedded ({summary.EmptyStates} empty states), "
                                           + $"{summary.ForwardPasses} forward passes, {summary.Seconds:F1} s → {Markup.Escape(summary.StorePath)}");
                }
                return 0;
        }));
        return cmd;
    }
}
