using System.CommandLine;
using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Corpora;
using Code2Lora.Evaluation;
using Code2Lora.Reporting;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Pretrain;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l pretrain --preset tiny`: tokenizer, decoder training, evaluation and export of the embedded base LM.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var preset = new ConfigOptions("pretrain");
        var steps = new Option<int?>("--steps") { Description = "Override the preset's optimizer steps (shorthand for --set steps=N)." };
        var runDir = new Option<string?>("--run-dir") { Description = "Checkpoints, token caches and the metrics log (default data/work/pretrain-<preset>); re-run to resume." };
        var output = new Option<string?>("--out") { Description = "Model directory to write (default: the config's model_directory under data/; when null, data/models/tiny-python-lm for tiny, <run-dir>/model otherwise)." };
        var bench = new Option<string?>("--bench") { Description = "Benchmark folder whose static track scores the model (default data/work/bench-tiny, built when missing)." };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda[:n] (shorthand for --set device=…)" };
        var precision = new Option<string?>("--precision") { Description = "fp32 (the shipped model's setting) or bf16 (bf16 compute, fp32 master weights; 1.33x faster on this CPU); shorthand for --set precision=…" };
        var cmd = new Command("pretrain", "Pretrain the tiny Python code LM on Debian Python code disjoint from the benchmark; resumable (Ctrl+C checkpoints).")
            { steps, runDir, output, bench, device, precision };
        preset.AddTo(cmd);
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
                var shorthands = new List<string>();
                if (r.GetValue(steps) is { } n) shorthands.Add($"steps={n}");
                if (r.GetValue(device) is { } d) shorthands.Add($"device={d}");
                if (r.GetValue(precision) is { } p) shorthands.Add($"precision={p}");
                var config = preset.Load<PretrainConfig>(r, shorthands).Value;
                var run = r.GetValue(runDir) ?? Path.Combine(RepoPaths.Work, "pretrain-" + config.Name);
                var model = r.GetValue(output) ?? DefaultModelDirectory(config, run);
                var benchDir = r.GetValue(bench) ?? Path.Combine(RepoPaths.Work, "bench-tiny");
                OutputFolder.Check(run);
                OutputFolder.Check(model);
                if (!File.Exists(Path.Combine(benchDir, "manifest.json")))
                    await BenchCommand.BuildAsync(Presets.Tiny, benchDir, [], BenchCommand.CommandLine(), ct);
                var result = await RunAsync(config, run, model, benchDir, ct);
                return result.Completed ? 0 : 130;
        }));
        return cmd;
    }

    private static async Task<PretrainResult> RunAsync(PretrainConfig config, string runDir, string modelDir, string benchDir, CancellationToken ct)
    {
        NativeHeap.UseTrimmedHeap();
        AnsiConsole.MarkupLine($"[bold]pretrain[/] preset [green]{config.Name}[/]: {Markup.Escape(config.Model.Describe())}, {config.Steps} steps × {config.BatchSize} × {config.SequenceLength} → {Markup.Escape(modelDir)}");
        var rules = Presets.Tiny.Mining;
        var corpus = PretrainCorpus.Collect(PackageList.Read(Path.Combine(RepoPaths.Data, config.PretrainPackages)),
            PackageList.Read(Path.Combine(RepoPaths.Data, config.BenchmarkPackages)), rules, config.HeldOutFraction);
        foreach (var (package, why) in corpus.MissingPackages) AnsiConsole.MarkupLine($"[yellow]not in corpus[/] {Markup.Escape(package)}: {Markup.Escape(why)}");
        AnsiConsole.MarkupLine($"corpus: {corpus.Train.Count:N0} training files ({corpus.TrainChars / 1e6:F1} M chars), {corpus.HeldOut.Count:N0} held out");
        var benchCode = PretrainCorpus.BenchmarkProductionCode(PackageList.Read(Path.Combine(RepoPaths.Data, config.BenchmarkPackages)), rules);
        var tasks = await StaticTasksAsync(benchDir, config.Seed);
        var copyPool = config.CopyCheckTasks is null ? null : await CopyPoolAsync(benchDir);
        var result = await ProgressView.RunAsync(progress =>
            Task.Run(() => Pretraining.Run(config, new PretrainInputs(corpus, benchCode, tasks, copyPool), runDir, modelDir, progress, ct), CancellationToken.None));
        if (!result.Completed)
        {
            AnsiConsole.MarkupLine($"[yellow]stopped[/] at step {result.Step}/{config.Steps}; run the same command again to resume from the checkpoint in {Markup.Escape(runDir)}.");
            return result;
        }
        var results = Path.Combine(RepoPaths.Results, "pretrain", config.Name);
        TrainingFigures.Write(Path.Combine(runDir, "metrics.jsonl"), results, $"pretraining the {config.Name} code LM");
        AtomicFile.WriteText(Path.Combine(results, "result.json"), JsonSerializer.Serialize(new
        {
            provenance = Provenance.Capture(BenchCommand.CommandLine()), config, result = result with { ModelDirectory = RepoPaths.Relative(modelDir) },
        }, Provenance.Json));
        File.Copy(Path.Combine(runDir, "metrics.jsonl"), Path.Combine(results, "metrics.jsonl"), overwrite: true);
        AnsiConsole.MarkupLine($"[bold green]done[/]: held-out loss {result.HeldOutLoss:F3}, benchmark-code loss {result.BenchmarkCodeLoss:F3}, "
                               + $"static EM {result.StaticExactMatch?.Mean:F1} % ({result.StaticExactMatch?.N} tasks), {result.TrainSeconds / 60:F1} min of training");
        AnsiConsole.MarkupLine($"model card: {Markup.Escape(Path.Combine(modelDir, "MODEL_CARD.md"))} · figures: {Markup.Escape(results)}");
        return result;
    }

    /// <summary>Where the model goes without --out: the config's model_directory under data/; when it has none, data/models/tiny-python-lm
    /// for the tiny preset (the shipped model) and the run folder's model/ for any other.</summary>
    internal static string DefaultModelDirectory(PretrainConfig config, string runDir) =>
        config.ModelDirectory is { } dir ? Path.Combine(RepoPaths.Data, dir)
        : config.Name == "tiny" ? Path.Combine(RepoPaths.Data, "models", "tiny-python-lm") : Path.Combine(runDir, "model");

    /// <summary>The copy curve's pool: the static track's CR-test and IR-test tasks in file order (the curve draws its own seeded sample).</summary>
    private static async Task<IReadOnlyList<QnaRow>> CopyPoolAsync(string benchDir)
    {
        var rows = new List<QnaRow>();
        foreach (var split in new[] { SplitNames.CrTest, SplitNames.IrTest })
        {
            var file = Path.Combine(benchDir, "static", "qna", split + ".parquet");
            if (File.Exists(file)) rows.AddRange(await ParquetTable.ReadAsync<QnaRow>(file));
        }
        return rows;
    }

    /// <summary>The static track's held-out-repository tasks (cr_test), in a seeded order, as completion tasks.</summary>
    internal static async Task<IReadOnlyList<CompletionTask>> StaticTasksAsync(string benchDir, int seed)
    {
        var file = Path.Combine(benchDir, "static", "qna", "cr_test.parquet");
        if (!File.Exists(file)) return [];
        var rows = (await ParquetTable.ReadAsync<QnaRow>(file)).ToList();
        SeededRandom.For(seed, "pretrain-eval").Shuffle(rows);
        return rows.Select(q => new CompletionTask(q.Prefix, q.Target)).ToList();
    }
}
