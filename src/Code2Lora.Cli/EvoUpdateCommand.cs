using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Mining;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l evo update` (a repository's live Code2LoRA-Evo adapter, advanced to HEAD) and `c2l evo speed` (its cost per commit).</summary>
internal static class EvoUpdateCommand
{
    /// <summary>The `evo` verb with its subcommands.</summary>
    public static Command Create()
    {
        var cmd = new Command("evo", "Live Code2LoRA-Evo adapters that follow a repository's commits.");
        cmd.Subcommands.Add(Update());
        cmd.Subcommands.Add(Speed());
        return cmd;
    }

    private static Option<string?> ModelOption() => new("--model") { Description = "Trained Evo folder (default data/work/evo-<preset>/code2lora-evo, written by c2l train evo)." };
    private static Option<string?> BaseModelOption() => new("--base-model") { Description = "Base model directory (default: the preset's, data/models/tiny-python-lm)." };

    private static Command Update()
    {
        var preset = new ConfigOptions("evo");
        var repo = new Option<string>("--repo") { Description = "The git work tree to follow (its HEAD, first-parent history).", Required = true };
        var state = new Option<string?>("--state") { Description = "State folder (default <repo>/.git/code2lora/<preset>/)." };
        var output = new Option<string?>("--out") { Description = "Adapter folder, PEFT layout (default <state>/adapter/)." };
        var model = ModelOption();
        var baseModel = BaseModelOption();
        var cmd = preset.AddTo(new Command("update", "Advance the repository's saved GRU state from the last commit it saw to HEAD (one diff encoding and one GRU step per kept commit) and export the adapter.")
            { repo, state, output, model, baseModel });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            foreach (var folder in new[] { r.GetValue(state), r.GetValue(output) }.OfType<string>()) OutputFolder.Check(folder);
            var live = Open(preset.Load<EvoExperimentConfig>(r, TrainCommand.BaseModelOverride(r.GetValue(baseModel))), r.GetValue(model), untrainedDir: null);
            var result = await ProgressView.RunAsync(progress => Task.Run(() => live.Update(r.GetValue(repo)!, r.GetValue(state), r.GetValue(output),
                new SyncProgress<LiveUpdateProgress>(p => progress.Report(new BenchProgress("commits", p.Done, p.Total, $"{p.Kept} kept"))), ct)));
            if (result.RebuildReason is not null) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(result.RebuildReason)}[/]");
            var message = result.RebuildReason is null ? result.Message : result.Message[(result.RebuildReason.Length + 2)..];
            AnsiConsole.MarkupLine($"[bold green]evo[/] {Markup.Escape(message)}");
            if (result.Timings.Count > 0)
                AnsiConsole.MarkupLine($"  per kept commit (median): diff encoding {Median(result.Timings.Select(t => t.DiffEncodeMs)):F1} ms, GRU {Median(result.Timings.Select(t => t.GruMs)):F2} ms, "
                                       + $"git {Median(result.Timings.Select(t => t.MineMs)):F1} ms, save {Median(result.Timings.Select(t => t.PersistMs)):F1} ms; head {result.HeadMs:F2} ms");
            return 0;
        }));
        return cmd;
    }

    private static Command Speed()
    {
        var preset = new ConfigOptions("evo");
        var model = ModelOption();
        var untrained = new Option<bool>("--untrained") { Description = "Time a seeded, untrained GRU + head of the preset's shapes when no trained model exists (same cost per commit)." };
        var history = new Option<string>("--history") { Description = "The shipped real history to replay (owner/name of data/histories/manifest.tsv), when the bench config mines real histories", DefaultValueFactory = _ => "r1chardj0n3s/parse" };
        var cmd = preset.AddTo(new Command("speed", "Replay a real history (or, for a forge-only config, a forge repository) commit by commit through `evo update`; writes results/bench/evo.json.") { model, untrained, history });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var loaded = preset.Load<EvoExperimentConfig>(r);
            var p = loaded.Linked<Preset>("bench", loaded.Value.Bench).Value;
            var name = loaded.Value.Name;
            var work = Path.Combine(RepoPaths.Work, "evo-speed-" + name);
            var modelDir = r.GetValue(model) ?? LiveAdapter.DefaultModelDirectory(name);
            var useUntrained = r.GetValue(untrained) && !File.Exists(Path.Combine(modelDir, "evo_config.json"));
            var live = Open(loaded, modelDir, useUntrained ? Path.Combine(work, "untrained-model") : null);
            string repoPath;
            if (p.Histories is { } manifest)
            {
                var id = r.GetValue(history)!;
                var entry = HistoryManifest.Read(Path.Combine(RepoPaths.Data, manifest)).FirstOrDefault(e => e.RepoId == id)
                            ?? throw new ArgumentException($"{Path.Combine(RepoPaths.Data, manifest)}: no history {id}; pass --history with one of its owner/name ids.");
                var clone = HistoryBundles.Prepare(entry, RepoPaths.HistoryBundles, RepoPaths.HistoryCache);
                repoPath = EvoUpdateSpeed.HistoryRepository(clone.Path, Path.Combine(work, entry.FolderName));
            }
            else
            {
                var forge = p.Forge ?? throw new ArgumentException($"bench preset {p.Name} has neither real histories nor a forge world to replay; use tiny, forge or smoke.");
                repoPath = EvoUpdateSpeed.ForgeRepository(forge, Path.Combine(work, "forge"));
            }
            var description = useUntrained ? "untrained (seeded, the preset's shapes)" : "trained: " + RepoPaths.Relative(modelDir);
            var result = await Task.Run(() => EvoUpdateSpeed.Measure(live, repoPath, Path.Combine(work, "state"), description, BenchCommand.CommandLine()), ct);
            var path = Path.Combine(RepoPaths.Results, "bench", "evo.json");
            AtomicFile.WriteText(path, System.Text.Json.JsonSerializer.Serialize(result, Provenance.Json));
            AnsiConsole.MarkupLine($"{result.Preset} ({Markup.Escape(result.Model)}), {result.TimedCommits} kept commits of {result.Commits}: diff encoding median {result.DiffEncodeMsMedian} ms (p90 {result.DiffEncodeMsP90}), "
                                   + $"GRU + head median {result.GruHeadMsMedian} ms (p90 {result.GruHeadMsP90}; goal ≤ {result.GruHeadGoalMs} ms: {(result.GruHeadMeetsGoal ? "met" : "missed")}), "
                                   + $"whole update {result.KeptUpdateMsMedian} ms, peak RSS {result.PeakRssMb} MB → {Markup.Escape(path)}");
            return 0;
        }));
        return cmd;
    }

    private static LiveAdapter Open(LoadedConfig<EvoExperimentConfig> loaded, string? modelDir, string? untrainedDir)
    {
        NativeHeap.UseTrimmedHeap();
        var config = loaded.Value;
        var p = loaded.Linked<Preset>("bench", config.Bench).Value;
        var lm = ModelDirectory.Load(FrozenBase.Locate(config.BaseModel));
        lm.Model.eval();
        if (untrainedDir is not null) EvoUpdateSpeed.SaveUntrained(config, lm, untrainedDir);
        return LiveAdapter.Load(config, p.Mining, lm, untrainedDir ?? modelDir ?? LiveAdapter.DefaultModelDirectory(config.Name));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
