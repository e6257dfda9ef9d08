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
        var preset = new Option<string>("--preset") { Description = "smoke | tiny | paper: configs/{bench,static,evo}/<name>.json", DefaultValueFactory = _ => "tiny" };
        var controlledTrack = new Option<bool>("--controlled") { Description = "Then run the controlled track the bench config names (tiny: the synthetic forge, configs/{bench,evo}/forge.json; its own table in results/evo/forge/ and its fairness checks in fairness.md there; about 9 min on 2 cores). Not part of the main job, which stays within its 30-min budget." };
        var record = new Option<bool>("--record-timings") { Description = "Also write results/reproduce/<preset>/timings.json, the committed timings the README quotes (from a clean clone on a quiet machine)." };
        var folds = new Option<int>("--crossval-folds") { Description = "Also run k-fold cross-validation over each track's repositories (c2l eval crossval and crossval-evo; trains 2 models per fold and track). 0 = skip.", DefaultValueFactory = _ => 0 };
        var cmd = new Command("reproduce", "Run the whole pipeline on a preset: the benchmark (both tracks) and its report, the static experiment (vectors, Code2LoRA-Static and every trained baseline, evaluation with the context baselines) and the evolution experiment (vectors, Evo and its single LoRA, evaluation); with --controlled, then the same on the bench config's controlled track (the forge); stage timings go to results/reproduce/<preset>/timings.run.json (not committed).") { preset, record, folds, controlledTrack };
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            NativeHeap.UseTrimmedHeap();
            var name = r.GetValue(preset)!;
            var runControlled = r.GetValue(controlledTrack);
            var bench = ConfigFiles.Load<Preset>("bench", name);
            RunConfigs.Record(bench.Stamp);
            var p = bench.Value;
            var benchDir = Path.Combine(RepoPaths.Work, "bench-" + p.Name);
            var timingsFile = Path.Combine(RepoPaths.Results, "reproduce", p.Name, "timings.json");
            var timings = new StageTimings(timingsFile, BenchCommand.CommandLine(), r.GetValue(record));
            await timings.TimeAsync("benchmark: build", () => BenchCommand.BuildAsync(p, benchDir, [], BenchCommand.CommandLine(), ct));
            await timings.TimeAsync("benchmark: report", () => BenchCommand.ReportAsync(benchDir, Path.Combine(RepoPaths.Results, "bench-stats", p.Name), BenchCommand.CommandLine()));
            if (p.Name != "paper")      // the paper preset needs a downloaded base model and a GPU
            {
                await TrainCommand.RunAllAsync(ConfigFiles.Load<Experiments.StaticExperimentConfig>("static", name), timings, ct, r.GetValue(folds));
                await EvoCommand.RunAllAsync(ConfigFiles.Load<Experiments.EvoExperimentConfig>("evo", name), timings, ct, crossValidationFolds: r.GetValue(folds));
                if (p.ControlledTrack is { } controlled && runControlled)   // the forge: its own benchmark, experiment and table, never mixed into the real one
                {
                    // Its own async flow: the forge's configs name the forge's files without replacing the main preset's in
                    // the provenance of what this command writes last (timings.json).
                    await Task.Run(async () =>
                    {
                        var forge = ConfigFiles.Load<Preset>("bench", controlled);
                        RunConfigs.Record(forge.Stamp);
                        var forgeDir = Path.Combine(RepoPaths.Work, "bench-" + forge.Value.Name);
                        await timings.TimeAsync($"{controlled}: benchmark build", () => BenchCommand.BuildAsync(forge.Value, forgeDir, [], BenchCommand.CommandLine(), ct));
                        await timings.TimeAsync($"{controlled}: benchmark report", () => BenchCommand.ReportAsync(forgeDir, Path.Combine(RepoPaths.Results, "bench-stats", forge.Value.Name), BenchCommand.CommandLine()));
                        var forgeEvo = ConfigFiles.Load<Experiments.EvoExperimentConfig>("evo", controlled);
                        await EvoCommand.RunAllAsync(forgeEvo, timings, ct, controlled);
                        // The forge's ceilings (docs/forge.md's fairness checks) are read against its table: results/evo/<name>/fairness.md.
                        await timings.TimeAsync($"{controlled}: fairness checks", () => ForgeChecksCommand.RunAsync(forgeEvo, null, null, ct));
                    }, ct);
                }
            }
            if (p.ControlledTrack is { } named && !runControlled)
                AnsiConsole.MarkupLine($"controlled track '{Markup.Escape(named)}' not run (add --controlled; its committed table is results/evo/{Markup.Escape(named)}/).");
            var total = timings.Stages.Sum(s => s.Seconds);
            AnsiConsole.MarkupLine($"[bold green]reproduce[/] preset {p.Name} done in {total / 60:F1} min; stage timings → {Markup.Escape(timings.OutputPath)}");
            foreach (var stage in timings.Stages) AnsiConsole.MarkupLine($"  {Markup.Escape(stage.Stage),-34} {stage.Seconds,8:F1} s");
            return 0;
        }));
        return cmd;
    }
}
