using System.CommandLine;
using Code2Lora.Config;
using Code2Lora.Encoders;
using Code2Lora.Experiments;
using Code2Lora.Mining;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l bench embedding`: incremental (per-file cache) against full re-embedding of every kept state of real histories.</summary>
internal static class BenchEmbeddingCommand
{
    /// <summary>The history measured when none is named: small (8 .py files) with a long first-parent history.</summary>
    public const string DefaultHistory = "r1chardj0n3s__parse";

    public static Command Create()
    {
        var preset = new ConfigOptions("static");
        var histories = new HistoryOptions();
        var model = new Option<string?>("--model") { Description = "Encoder model directory; default: the config's encoder_model, else its base_model" };
        var recipe = new Option<string?>("--recipe") { Description = "Default: the config's encoder (experiments). Or: paper | paper-described" };
        var maxCommits = new Option<int>("--max-commits") { Description = "Measure at most the first N kept commits of each history", DefaultValueFactory = _ => 200 };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda[:n]", DefaultValueFactory = _ => "auto" };
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/embedding.json)" };
        var cmd = preset.AddTo(new Command("embedding",
            $"Embed every kept repository state of real histories twice, incrementally (only files changed since the previous state) and in full, and compare cost and vectors (default history: data/work/histories/{DefaultHistory}).")
            { model, recipe, maxCommits, device, output });
        histories.AddTo(cmd);
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            if (r.GetValue(maxCommits) <= 0) throw new ArgumentException($"--max-commits must be positive, got {r.GetValue(maxCommits)}; pass the number of kept commits to measure (default 200).");
            var loaded = preset.Load<StaticExperimentConfig>(r);
            var config = EmbedCommand.Recipe(r.GetValue(recipe), loaded.Value.Encoder);
            var outPath = OutputFolder.CheckFileFolder(r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench", "embedding.json"));
            var named = histories.Resolve(r);
            var repos = named.Count > 0 ? named.Select(h => (h.RepoId, h.Path)).ToList() : [DefaultRepo()];
            var encoder = ModelDirectory.Load(r.GetValue(model) ?? FrozenBase.Locate(loaded.Value.EncoderModel ?? loaded.Value.BaseModel),
                TorchRuntime.ResolveDevice(r.GetValue(device)!));
            encoder.Model.eval();
            var embedder = new ChunkEmbedder(encoder.Model, encoder.Tokenizer);
            AnsiConsole.MarkupLine($"[bold]bench embedding[/] with {Markup.Escape(encoder.Directory)} ({Markup.Escape(encoder.Config.Describe())}), recipe {r.GetValue(recipe) ?? "of " + loaded.Source}");
            if (MachineLoad.BusyNote() is { } busy) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(busy)}[/]");
            var results = new List<EmbeddingBenchRepo>();
            foreach (var (repoId, path) in repos)
            {
                using var source = RepoSource.Open(path, repoId, config.State.Files.Rules);
                results.Add(await ProgressView.RunAsync(progress => Task.Run(() => EmbeddingBenchmark.Measure(source, embedder, config.State, r.GetValue(maxCommits),
                    new SyncProgress<(string Mode, int Done, int Total)>(p => progress.Report(new Bench.BenchProgress(p.Mode, p.Done, p.Total, repoId))), ct))));
            }
            var report = new
            {
                note = "Wall-clock figures on a machine that may be shared: compare load_average_* with the core count. Snapshot reads are timed in both passes; "
                       + "ratio_* = incremental / full. max_abs_state_difference compares the fp32 state vectors of the two passes.",
                encoder_id = EncoderId.Compute(embedder, config), model = encoder.Directory, model_fingerprint = embedder.Fingerprint,
                state_recipe = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(config.State, ConfigJson.Options)), batch_size = embedder.BatchSize, threads = TorchSharp.torch.get_num_threads(), cores = Environment.ProcessorCount,
                repositories = results, provenance = Provenance.Capture(BenchCommand.CommandLine()),
            };
            AtomicFile.WriteText(outPath, System.Text.Json.JsonSerializer.Serialize(report, Provenance.Json));
            var table = new Table().AddColumns("repository", "states", "mode", "files embedded", "tokens", "s", "tokens/s", "states/s");
            foreach (var x in results)
                foreach (var pass in new[] { x.Incremental, x.Full })
                    table.AddRow(Markup.Escape(x.RepoId), $"{pass.States}", pass.Mode, $"{pass.FilesEmbedded:N0} of {pass.FilesInStates:N0}", $"{pass.TokensEmbedded:N0}",
                        $"{pass.Seconds:F1}", $"{pass.TokensPerSecond:N0}", $"{pass.StatesPerSecond:F2}");
            AnsiConsole.Write(table);
            foreach (var x in results)
                AnsiConsole.MarkupLine($"{Markup.Escape(x.RepoId)}: incremental/full = [green]{x.RatioFiles:P1}[/] of the files, {x.RatioTokens:P1} of the tokens, {x.RatioSeconds:P1} of the time; "
                                       + $"largest state difference {x.MaxAbsStateDifference:G3}; load {x.LoadAverageStart} → {x.LoadAverageEnd}");
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(outPath)}");
            return 0;
        }));
        return cmd;
    }

    private static (string, string) DefaultRepo()
    {
        var path = Path.Combine(RepoPaths.HistoryCache, DefaultHistory);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"{path} is missing; run: c2l histories prepare (or name a history with --repo PATH).");
        return (RepoSource.DefaultRepoId(path), path);
    }
}
