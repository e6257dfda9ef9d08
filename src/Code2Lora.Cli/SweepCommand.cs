using System.CommandLine;
using Code2Lora.Config;
using Code2Lora.Experiments.Sweeps;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l sweep`: trains and evaluates every grid point × seed of a config in its own run folder (resumable), then writes one
/// table and one figure; a thin wrapper over <see cref="Sweep"/>, which a notebook cell calls the same way.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The config the points start from: a preset name (smoke, tiny) or a config file.", Required = true };
        var kind = new Option<string?>("--kind") { Description = "static | evo (default: the config file's folder, configs/<kind>/; else static)." };
        var grid = new Option<string[]>("--grid") { Description = "An axis: key=v1,v2,… with key a --set path, e.g. --grid lora.rank=4,8,16 (repeatable: the points are every combination)." };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per point: the config's seed and the next N−1.", DefaultValueFactory = _ => 1 };
        var methods = new Option<string?>("--methods") { Description = "Comma-separated methods to train per run (static: static,slora,fft,t2l,plora; evo: evo,evo-slora; base on either: the frozen base alone, nothing trained). Default: the method and its single LoRA." };
        var output = new Option<string?>("--out") { Description = "Folder of sweep.md, sweep.json and the figure (default results/sweeps/<config name>/<grid keys>)." };
        var runs = new Option<string?>("--runs") { Description = "Root of the run folders, one per resolved config (default data/work/sweeps; sweeps sharing a point share its folder)." };
        var set = new Option<string[]>("--set") { Description = "Override a key for every point, the default point included (repeatable)." };
        var perRun = new Option<double?>("--seconds-per-run") { Description = "The estimate's cost per run, instead of measuring it from earlier runs' timings.json." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and the CPU-time estimate, run nothing." };
        var cmd = new Command("sweep", "Sweep any config key: train and evaluate each grid point × seed in its own run folder (finished runs are skipped, "
                                       + "half-done ones resume), then write one table (NLL, EditSim, EM, CodeBLEU over seeds; paired CIs against the default point) and one figure.")
            { config, kind, grid, seeds, methods, output, runs, set, perRun, dryRun };
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var selector = r.GetValue(config)!;
            var plan = Sweep.Plan(r.GetValue(kind) ?? KindOf(selector), selector, r.GetValue(grid) ?? [], r.GetValue(seeds),
                r.GetValue(methods)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                r.GetValue(output), r.GetValue(runs), r.GetValue(set) ?? []);
            var finished = plan.Finished.ToHashSet();
            AnsiConsole.MarkupLine($"[bold]sweep[/] of {Markup.Escape(plan.Source)} ({plan.Kind}): {plan.Points.Count} point(s) × {plan.Seeds.Count} seed(s) "
                                   + $"({string.Join(", ", plan.Seeds)}), methods {string.Join(", ", plan.Methods)}");
            foreach (var point in plan.Points)
                foreach (var run in point.Runs)
                    Console.WriteLine($"  {point.Label,-40} seed {run.Seed,-6} {(finished.Contains(run) ? "finished" : "to run"),-9} {RepoPaths.Relative(run.Folder)}");
            Console.WriteLine($"estimate: {Sweep.Estimate(plan, r.GetValue(perRun))}");
            Console.WriteLine($"table and figure → {RepoPaths.Relative(plan.OutDir)}");
            if (r.GetValue(dryRun)) return 0;
            var table = await Sweep.RunAsync(plan, command: BenchCommand.CommandLine(), note: line => Console.WriteLine(line), cancel: ct);
            Console.WriteLine(SweepMarkdown.Of(table));
            AnsiConsole.MarkupLine($"[bold green]sweep[/] done → {Markup.Escape(RepoPaths.Relative(plan.OutDir))} (sweep.md, sweep.json, sweep.html/png)");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The config kind of a file under configs/&lt;kind&gt;/; static otherwise (a preset name, or a file elsewhere).</summary>
    internal static string KindOf(string selector) =>
        ConfigFiles.IsPath(selector) && Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(selector))) is { } folder && SweepMethods.Known.ContainsKey(folder)
            ? folder : "static";
}
