using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Reporting;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l plan`: memory and compute of every stage of the static and evolution experiments, from the configs alone.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "smoke | tiny | paper (static and evo experiment presets)", DefaultValueFactory = _ => "paper" };
        var counts = new Option<string?>("--counts") { Description = "Step counts from: paper (the paper's benchmark sizes) or a built benchmark folder (default: data/work/bench-<preset> when built, else paper)." };
        var math = new Option<bool>("--math-attention") { Description = "Plan attention probabilities of the math kernel (a CPU fallback; fused GPU kernels keep none)." };
        var json = new Option<string?>("--json") { Description = "Also write the plan as JSON to this file." };
        var cmd = new Command("plan", "Print the memory (weights, gradients, optimizer, activations with/without checkpointing, logits), FLOPs and steps of each stage.") { preset, counts, math, json };
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var name = r.GetValue(preset)!;
            var s = StaticExperimentConfig.Get(name);
            var e = EvoExperimentConfig.Get(name);
            var bench = await CountsAsync(r.GetValue(counts), name);
            var plan = MemoryPlanner.Plan(s, e, MemoryPlanner.ResolveModel(s.BaseModel), MemoryPlanner.ResolveModel(s.EncoderModel ?? s.BaseModel), bench, r.GetValue(math));
            Print(name, plan);
            if (r.GetValue(json) is { } file)
            {
                AtomicFile.WriteText(file, JsonSerializer.Serialize(new { preset = name, command = BenchCommand.CommandLine(), plan, provenance = Provenance.Capture(BenchCommand.CommandLine()) }, Provenance.Json));
                AnsiConsole.MarkupLine($"plan written to {Markup.Escape(file)}");
            }
            return 0;
        }));
        return cmd;
    }

    private static async Task<BenchCounts> CountsAsync(string? source, string preset)
    {
        if (source == "paper") return BenchCounts.Paper;
        var dir = source ?? Path.Combine(RepoPaths.Work, "bench-" + preset);
        if (File.Exists(Path.Combine(dir, "manifest.json"))) return BenchCounts.Of(await BenchData.LoadAsync(dir), dir);
        if (source is not null) throw new DirectoryNotFoundException($"{dir} holds no built benchmark (no manifest.json); build it with c2l bench build, or pass --counts paper.");
        return BenchCounts.Paper;
    }

    private static void Print(string preset, ExperimentPlan plan)
    {
        AnsiConsole.MarkupLine($"[bold]plan[/] preset [green]{Markup.Escape(preset)}[/]: base {Markup.Escape(plan.BaseModel)}, encoder {Markup.Escape(plan.EncoderModel)}, {plan.Dtype}; counts: {Markup.Escape(plan.Counts.Source)}");
        AnsiConsole.MarkupLine("memory in GiB; peak uses the activations the config selects (ckpt = checkpointed blocks)");
        var table = new Table().AddColumns("stage", "weights", "grads", "AdamW", "act.", "act. ckpt", "logits", "peak", "TFLOP/step", "steps", "PFLOP");
        foreach (var s in plan.Stages)
            table.AddRow(s.Stage, Gib(s.WeightBytes), Gib(s.GradientBytes), Gib(s.OptimizerBytes), Gib(s.ActivationBytes), Gib(s.ActivationBytesCheckpointed),
                Gib(s.LogitBytes), $"[bold]{Gib(s.PeakBytes)}[/]{(s.Checkpointing ? " ckpt" : "")}", (s.FlopsPerStep / 1e12).ToString("F1", CultureInfo.InvariantCulture),
                s.Steps == 0 ? "—" : s.Steps.ToString("N0", CultureInfo.InvariantCulture), s.Steps == 0 ? "—" : (s.TotalFlops / 1e15).ToString("N0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var s in plan.Stages) AnsiConsole.MarkupLine($"[grey]{s.Stage}: {Markup.Escape(s.Step)}. {Markup.Escape(s.Notes)}[/]");
    }

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture);
}
