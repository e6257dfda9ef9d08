using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Code2Lora.Experiments;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l bench memory-plan` and `c2l bench paper-rehearsal`: the plan checked against measured CPU memory, and the paper's
/// steps timed at full width with truncated depth.</summary>
internal static class PaperBenchCommands
{
    /// <summary>The cases of the default comparison: paper width, 2–4 blocks, 2,048–8,192 tokens, bf16 and fp32, with and without checkpointing.</summary>
    private static readonly string[] DefaultCases =
    [
        "L2-T2048-bf16-full", "L2-T2048-bf16-ckpt", "L4-T2048-bf16-full", "L4-T2048-bf16-ckpt", "L2-T2048-fp32-full", "L4-T2048-fp32-ckpt",
        "L2-T4096-fp32-full", "L2-T8192-bf16-full", "L2-T8192-bf16-ckpt", "L4-T8192-bf16-ckpt", "L2-T8192-fp32-ckpt",
    ];

    private const string ResultPrefix = "MEMORY-PLAN-RESULT ";

    public static Command MemoryPlan()
    {
        var cases = new Option<string>("--cases") { Description = "Comma-separated cases like L2-T2048-bf16-ckpt (blocks, tokens, base dtype, ckpt|full).", DefaultValueFactory = _ => string.Join(",", DefaultCases) };
        var headHidden = new Option<int>("--head-hidden") { Description = "Head width H of the measured step (its fp32 state is exact arithmetic; small keeps the runs light).", DefaultValueFactory = _ => 64 };
        var one = new Option<string?>("--one") { Description = "Run one case in this process and print its result (used by the parent run).", Hidden = true };
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/memory-plan.json)" };
        var cmd = new Command("memory-plan", "Check the memory planner against the measured peak memory of Static training steps on the CPU (one process per case).") { cases, headHidden, one, output };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var fullBase = ModelConfigs.Get("qwen2.5-coder-1.5b");
            var encoder = ModelConfigs.Get("qwen3-embedding-0.6b");
            var h = r.GetValue(headHidden);
            if (r.GetValue(one) is { } single)
            {
                var m = MemoryPlanCheck.Measure(MemoryPlanCase.Parse(single), fullBase, encoder, h);
                Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(m, Provenance.Json).ReplaceLineEndings(" "));
                return 0;
            }
            var loadBefore = MachineLoad.OneMinute();
            var results = new List<MemoryPlanMeasurement>();
            var all = r.GetValue(cases)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(MemoryPlanCase.Parse).ToList();
            var outPath = r.GetValue(output) ?? Path.Combine(Config.RepoPaths.Results, "bench", "memory-plan.json");
            // Written after every case, so an interrupted run keeps what it measured (cases_planned says what is missing).
            void Save()
            {
                var run = results.Where(x => x.Skipped is null).ToList();
                var report = new
                {
                    command = BenchCommand.CommandLine(), what = "Code2LoRA-Static training step (forward, backward, AdamW) of Qwen2.5-Coder-1.5B's width cut to L blocks, random weights, one example, CPU",
                    measured_as = "peak resident memory (VmHWM, reset once the model, head and optimizer are built) of a fresh process during the step, minus its resident memory before any model tensor (heap trimmed)",
                    planner = "MemoryPlanner train-static peak: weights + head gradients + AdamW + activations (checkpointed or not, plus the backward's gradient working set) + logits; DecoderCost documents the per-token saved bytes",
                    head_hidden = h, load_average_before = loadBefore, load_average_after = MachineLoad.OneMinute(), threads = TorchSharp.torch.get_num_threads(),
                    cases_planned = all.Select(x => x.ToString()).ToList(), complete = results.Count == all.Count,
                    max_abs_relative_error = run.Count == 0 ? (double?)null : Math.Round(run.Max(x => Math.Abs(x.RelativeError)), 4),
                    within_20_percent = run.Count > 0 && run.All(x => Math.Abs(x.RelativeError) <= 0.2),
                    cases = results, provenance = Provenance.Capture(BenchCommand.CommandLine()),
                };
                AtomicFile.WriteText(outPath, JsonSerializer.Serialize(report, Provenance.Json));
            }
            foreach (var c in all)
            {
                var (fused, math) = MemoryPlanCheck.Planned(c, fullBase, encoder, h);
                var available = MemoryPlanCheck.AvailableBytes();
                // LibTorch's CPU flash kernel serves causal attention in fp32 and bf16 (measured: L2-T8192-fp32-ckpt peaks at 4.4 GiB, its
                // math-kernel plan is 20.8 GiB), so the fused plan decides whether a case fits.
                if (fused > 0.7 * available)
                {
                    results.Add(new MemoryPlanMeasurement { Case = c, PlannedBytes = fused, PlannedBytesMathAttention = math, Skipped = $"planned {fused / 1073741824.0:F1} GiB > 70 % of the {available / 1073741824.0:F1} GiB available" });
                    AnsiConsole.MarkupLine($"[yellow]skipped[/] {c}: {Markup.Escape(results[^1].Skipped!)}");
                }
                else
                {
                    AnsiConsole.MarkupLine($"{c}: planned {fused / 1048576.0:F0} MiB (math attention {math / 1048576.0:F0} MiB) …");
                    var measured = RunChild(c, h);
                    results.Add(measured);
                    AnsiConsole.MarkupLine($"  measured {measured.MeasuredBytes / 1048576.0:F0} MiB ({measured.RelativeError:+0.0%;-0.0%}), step {measured.StepSeconds:F1} s");
                }
                Save();
            }
            var table = new Table().AddColumns("case", "planned MiB", "planned (math attn) MiB", "measured MiB", "error", "step s");
            foreach (var x in results)
                table.AddRow(x.Case.ToString(), $"{x.PlannedBytes / 1048576.0:F0}", $"{x.PlannedBytesMathAttention / 1048576.0:F0}",
                    x.Skipped is null ? $"{x.MeasuredBytes / 1048576.0:F0}" : "skipped", x.Skipped is null ? x.RelativeError.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "—", $"{x.StepSeconds:F1}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(outPath)}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs one case in a fresh c2l process, so its peak is its own.</summary>
    private static MemoryPlanMeasurement RunChild(MemoryPlanCase c, int headHidden)
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this process's executable to run a case in a child process.");
        var start = new ProcessStartInfo(process) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in new[] { "bench", "memory-plan", "--one", c.ToString(), "--head-hidden", headHidden.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        var line = stdout.Result.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"case {c} failed (exit {child.ExitCode}): {stderr.Result.Trim()} {stdout.Result.Trim()}".Trim());
        return JsonSerializer.Deserialize<MemoryPlanMeasurement>(line[ResultPrefix.Length..], Provenance.Json)!;
    }

    public static Command PaperRehearsal()
    {
        var layers = new Option<int>("--layers") { Description = "Decoder blocks kept of Qwen2.5-Coder-1.5B's 28 (random weights).", DefaultValueFactory = _ => 2 };
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/paper-rehearsal.json)" };
        var dtype = new Option<string?>("--dtype") { Description = "The base's dtype in the timed rows (default: the paper configs' bf16). On a CPU whose LibTorch sends bf16 products to its reference kernel (the report's gemm_probe shows it), fp32 rehearses the same code paths in minutes instead of hours." };
        var cmd = new Command("paper-rehearsal", "Time one Static and one Evo optimizer step and one evaluation batch at the paper's width and sequence lengths (truncated depth, random weights), and extrapolate the paper's compute table from the plan.") { layers, output, dtype };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var fullBase = ModelConfigs.Get("qwen2.5-coder-1.5b");
            var encoder = ModelConfigs.Get("qwen3-embedding-0.6b");
            var s = StaticExperimentConfig.Paper;
            var e = EvoExperimentConfig.Paper;
            var plan = MemoryPlanner.Plan(s, e, fullBase, encoder, BenchCounts.Paper);
            var loadBefore = MachineLoad.OneMinute();
            var baseDtype = r.GetValue(dtype) is { } d ? ComputeTarget.Name(ComputeTarget.ParseDtype(d, "--dtype")) : s.Dtype;
            AnsiConsole.MarkupLine("[grey]gemm probe: a linear layer's three products at the paper's MLP shape, fp32 and bf16[/]");
            var probe = Experiments.PaperRehearsal.GemmProbe(fullBase);
            foreach (var p in probe) AnsiConsole.MarkupLine($"[grey]  {p.Dtype} {Markup.Escape(p.Product)}: {p.Gflops:F1} GFLOP/s[/]");
            var rows = Experiments.PaperRehearsal.Run(fullBase, encoder, r.GetValue(layers), baseDtype, line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
            var table = PaperComputeTable.Rows(plan, s, e, fullBase, 2);
            var report = new
            {
                command = BenchCommand.CommandLine(), layers = r.GetValue(layers), device = "cpu", base_dtype = baseDtype, paper_dtype = s.Dtype,
                threads = TorchSharp.torch.get_num_threads(), load_average_before = loadBefore, load_average_after = MachineLoad.OneMinute(),
                gemm_probe = probe, rows, compute_table = table, formula = PaperComputeTable.Formula, plan, provenance = Provenance.Capture(BenchCommand.CommandLine()),
            };
            var outPath = r.GetValue(output) ?? Path.Combine(Config.RepoPaths.Results, "bench", "paper-rehearsal.json");
            AtomicFile.WriteText(outPath, JsonSerializer.Serialize(report, Provenance.Json));
            var t = new Table().AddColumns("stage", "layers", "s/step", "peak RSS MiB", "planned MiB", "TFLOP/step", "GFLOP/s");
            foreach (var x in rows) t.AddRow(x.Stage, $"{x.Layers}", $"{x.SecondsPerStep:F1}", $"{x.PeakRssMiB:F0}", $"{x.PlannedPeakMiB:F0}", $"{x.FlopsPerStep / 1e12:F2}", $"{x.AchievedGflops:F0}");
            AnsiConsole.Write(t);
            var c = new Table().AddColumns("run", "paper h (H100)", "planned h (H100)", "basis");
            foreach (var x in table) c.AddRow(x.Run, $"{x.PaperHours:F0}", $"{x.PlannedH100Hours:F1}", Markup.Escape(x.Basis));
            AnsiConsole.Write(c);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(outPath)}");
            return 0;
        }));
        return cmd;
    }
}
