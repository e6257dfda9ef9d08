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
        var repos = new Option<string[]>("--repo") { Description = "Repository path (git or plain directory) a state is read from; repeatable. Default: the paths the benchmark's manifest records", AllowMultipleArgumentsPerToken = true };
        var list = new Option<string?>("--list") { Description = "File of repositories (URL or owner/name per line), cloned or updated into data/work/clones as bench build --list does" };
        var histories = new Option<bool>("--histories") { Description = "Read the shipped real histories (data/work/histories, prepared from data/histories)" };
        var shard = new Option<string?>("--shard") { Description = "k/N: embed only shard k's repositories (docs/sharding.md) into the store partition <bench>/embeddings.shard-k-of-N; join the N partitions with --merge" };
        var merge = new Option<string[]>("--merge") { Description = "Join these store partitions (folders written by --shard k/N) into <bench>/embeddings, without embedding", AllowMultipleArgumentsPerToken = true };
        var cmd = preset.AddTo(new Command("embed", "Embed the repository states and commit diffs a benchmark needs, with the experiment config's encoder; re-runs embed only what is new, and a state only the files changed since the previous one.")
            { model, bench, recipe, device, repos, list, histories, shard, merge });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
                var loaded = preset.Load<Experiments.StaticExperimentConfig>(r);
                var p = loaded.Linked<Preset>("bench", loaded.Value.Bench).Value;
                var benchDir = r.GetValue(bench) ?? Path.Combine(RepoPaths.Work, "bench-" + p.Name);
                var part = r.GetValue(shard) is { } text ? Evaluation.Shard.Parse(text) : null;
                if (r.GetValue(merge) is { Length: > 0 } parts)
                {
                    if (part is not null) throw new ArgumentException("--shard embeds one part and --merge joins all parts: give one of them.");
                    foreach (var m in await EmbeddingStoreMerge.MergeAsync(parts, EmbeddingPipeline.StoreDirectory(benchDir)))
                        AnsiConsole.MarkupLine($"encoder [green]{m.EncoderId}[/]: {Reporting.Counts.Of(m.Vectors, "vector")} in the merged store, {m.Added} new");
                    return 0;
                }
                var storeDir = part is null ? null : EmbeddingPipeline.StoreDirectory(benchDir) + "." + part.Tag;
                if (!File.Exists(Path.Combine(benchDir, "manifest.json")))
                    throw new InvalidOperationException($"{benchDir} holds no built benchmark; run: c2l bench build --preset {p.Name}");
                var configs = Recipes(r.GetValue(recipe), loaded.Value);
                var modelDir = r.GetValue(model) ?? FrozenBase.Locate(loaded.Value.EncoderModel ?? loaded.Value.BaseModel);
                var encoder = ModelDirectory.Load(modelDir, TorchRuntime.ResolveDevice(r.GetValue(device)!));
                encoder.Model.eval();
                var inputs = Inputs(r.GetValue(repos) ?? [], r.GetValue(list), r.GetValue(histories), benchDir, p);
                AnsiConsole.MarkupLine($"[bold]embed[/] {Markup.Escape(benchDir)} with {Markup.Escape(encoder.Directory)} ({Markup.Escape(encoder.Config.Describe())}), recipe {r.GetValue(recipe)} of {loaded.Source}");
                foreach (var config in configs)
                {
                    var summary = await ProgressView.RunAsync(progress => EmbeddingPipeline.RunAsync(benchDir, inputs, encoder.Model, encoder.Tokenizer, config,
                        new SyncProgress<EmbeddingProgress>(e => progress.Report(new BenchProgress(e.Phase, e.Done, e.Total, e.Current))), ct, storeDir, part));
                    AnsiConsole.MarkupLine($"encoder [green]{summary.EncoderId}[/]: {Reporting.Counts.Of(summary.Wanted, "vector")} wanted, {summary.AlreadyStored} already stored, "
                                           + $"{Reporting.Counts.Of(summary.StatesEmbedded, "state")} + {Reporting.Counts.Of(summary.DiffsEmbedded, "diff")} embedded ({summary.EmptyStates} empty), "
                                           + $"{summary.FilesEmbedded} files embedded, {summary.FilesReused} reused, {summary.ForwardPasses} forward passes, {summary.Seconds:F1} s → {Markup.Escape(summary.StorePath)}");
                }
                return 0;
        }));
        return cmd;
    }

    /// <summary>The encoder recipe a --recipe value names; by default the experiment config's (what the experiments use: a store
    /// keyed by another encoder id is one no experiment reads).</summary>
    internal static EncoderConfig Recipe(string? name, EncoderConfig configured) => name switch
    {
        _ when IsExperiments(name) => configured,
        "paper" => EncoderConfig.Paper, "paper-described" => EncoderConfig.PaperDescribed,
        var other => throw new ArgumentException($"--recipe '{other}': no such recipe; use experiments, paper or paper-described."),
    };

    /// <summary>The encoders `c2l embed` stores: by default every encoder the config's static and evolution experiments read.</summary>
    private static IReadOnlyList<EncoderConfig> Recipes(string? name, Experiments.StaticExperimentConfig config) =>
        IsExperiments(name) ? PresetEncoders.For(config) : [Recipe(name, config.Encoder)];

    // "tiny" names the experiments' encoders too: the look-alike EncoderConfig.Tiny reads test files, which no experiment does.
    private static bool IsExperiments(string? name) => name is null or "experiments" or "tiny";

    /// <summary>Where states are read from: the given repositories first, then the paths the benchmark's manifest records, then
    /// (only when some recorded path is gone) the config's own sources (Debian snapshots, forge).</summary>
    private static IReadOnlyList<RepoInput> Inputs(string[] paths, string? listFile, bool histories, string benchDir, Preset preset)
    {
        var inputs = paths.Select(BenchInputs.FromPath).ToList();
        if (listFile is not null)
            inputs.AddRange(BenchInputs.FromList(listFile, Path.Combine(RepoPaths.Work, "clones"),
                (id, why) => AnsiConsole.MarkupLine($"[yellow]not cloned[/] {Markup.Escape(id)}: {Markup.Escape(why)}")));
        if (histories)
            inputs.AddRange(BenchInputs.FromHistories(RepoPaths.HistoryManifest, RepoPaths.HistoryBundles, RepoPaths.HistoryCache,
                (id, why) => AnsiConsole.MarkupLine($"[yellow]history not used[/] {Markup.Escape(id)}: {Markup.Escape(why)}")));
        var (recorded, gone) = BenchInputs.FromManifest(benchDir);
        inputs.AddRange(recorded);
        var given = inputs.Select(i => i.RepoId).ToHashSet(StringComparer.Ordinal);
        if (gone.Any(id => !given.Contains(id))) inputs.AddRange(BenchInputs.Prepare(preset, RepoPaths.Work));
        return inputs;
    }
}
