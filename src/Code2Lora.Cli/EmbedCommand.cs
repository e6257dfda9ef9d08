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
        var preset = new ConfigOptions("static");
        var model = new Option<string?>("--model") { Description = "Encoder model directory (config.json, model.safetensors, tokenizer.json) or a Hub id in the local cache (c2l hub download); default: the config's encoder_model, else its base_model. The paper uses Qwen3-Embedding-0.6B." };
        var bench = new Option<string?>("--bench") { Description = "Benchmark folder (default data/work/bench-<preset>)." };
        var recipe = new Option<string>("--recipe")
        {
            Description = "experiments (default; alias tiny): the encoders the config's static and evolution experiments read (test files excluded) | paper (released: b+c) | paper-described (a+c)",
            DefaultValueFactory = _ => "experiments",
        };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda[:n]", DefaultValueFactory = _ => "auto" };
        var cmd = preset.AddTo(new Command("embed", "Embed the repository states and commit diffs a benchmark needs, with the experiment config's encoder; re-runs embed only what is new.") { model, bench, recipe, device });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
                var loaded = preset.Load<Experiments.StaticExperimentConfig>(r);
                var p = loaded.Linked<Preset>("bench", loaded.Value.Bench).Value;
                var benchDir = r.GetValue(bench) ?? Path.Combine(RepoPaths.Work, "bench-" + p.Name);
                if (!File.Exists(Path.Combine(benchDir, "manifest.json")))
                    throw new InvalidOperationException($"{benchDir} holds no built benchmark; run: c2l bench build --preset {p.Name}");
                var configs = r.GetValue(recipe) switch
                {
                    // The experiments' encoders by default: a store keyed by another encoder id is one no experiment reads.
                    "experiments" or "tiny" => PresetEncoders.For(loaded.Value),
                    "paper" => [EncoderConfig.Paper], "paper-described" => [EncoderConfig.PaperDescribed],
                    var other => throw new ArgumentException($"--recipe '{other}': no such recipe; use experiments, paper or paper-described."),
                };
                var modelDir = r.GetValue(model) ?? FrozenBase.Locate(loaded.Value.EncoderModel ?? loaded.Value.BaseModel);
                var encoder = ModelDirectory.Load(modelDir, TorchRuntime.ResolveDevice(r.GetValue(device)!));
                encoder.Model.eval();
                var repos = BenchInputs.Prepare(p, RepoPaths.Work);
                AnsiConsole.MarkupLine($"[bold]embed[/] {Markup.Escape(benchDir)} with {Markup.Escape(encoder.Directory)} ({Markup.Escape(encoder.Config.Describe())}), recipe {r.GetValue(recipe)} of {loaded.Source}");
                foreach (var config in configs)
                {
                    var summary = await ProgressView.RunAsync(progress => EmbeddingPipeline.RunAsync(benchDir, repos, encoder.Model, encoder.Tokenizer, config,
                        new SyncProgress<EmbeddingProgress>(e => progress.Report(new BenchProgress(e.Phase, e.Done, e.Total, e.Current))), ct));
                    AnsiConsole.MarkupLine($"encoder [green]{summary.EncoderId}[/]: {Reporting.Counts.Of(summary.Wanted, "vector")} wanted, {summary.AlreadyStored} already stored, "
                                           + $"{Reporting.Counts.Of(summary.StatesEmbedded, "state")} + {Reporting.Counts.Of(summary.DiffsEmbedded, "diff")} embedded ({summary.EmptyStates} empty), "
                                           + $"{summary.ForwardPasses} forward passes, {summary.Seconds:F1} s → {Markup.Escape(summary.StorePath)}");
                }
                return 0;
        }));
        return cmd;
    }
}
