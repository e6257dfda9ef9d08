using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Mining;
using Code2Lora.Reporting;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l bench …`: build RepoPeftBench, report on it, measure mining speed.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Build and inspect RepoPeftBench (static and evolution tracks).");
        bench.Subcommands.Add(Build());
        bench.Subcommands.Add(Merge());
        bench.Subcommands.Add(Import());
        bench.Subcommands.Add(Report());
        bench.Subcommands.Add(Speed());
        bench.Subcommands.Add(CheckKeys());
        bench.Subcommands.Add(CheckPython());
        bench.Subcommands.Add(BenchHistoryCommands.TestFiles());
        bench.Subcommands.Add(TrainSpeed());
        bench.Subcommands.Add(BenchContentionCommand.Create());
        bench.Subcommands.Add(PaperBenchCommands.MemoryPlan());
        bench.Subcommands.Add(PaperBenchCommands.PaperRehearsal());
        bench.Subcommands.Add(CodeBleuSpeed());
        bench.Subcommands.Add(BenchEmbeddingCommand.Create());
        return bench;
    }

    private static Option<string> PresetOption() => new("--preset") { Description = "Bench preset name: names the default folders (data/work/bench-<name>, results/bench-stats/<name>)", DefaultValueFactory = _ => "tiny" };

    private static Command Build()
    {
        var preset = new ConfigOptions("bench");
        var output = new Option<string?>("--out") { Description = "Output folder (default data/work/bench-<name>)" };
        var repos = new Option<string[]>("--repo") { Description = "Extra repository path (git or plain directory); repeatable", AllowMultipleArgumentsPerToken = true };
        var list = new Option<string?>("--list") { Description = "File of repositories to clone (URL or owner/name per line); needs network" };
        var testRule = new Option<TestFileRule?>("--test-rule") { Description = "paper (path patterns) or code (authors' broader rule)" };
        var histories = new Option<bool>("--histories") { Description = "Also mine the shipped real histories (data/histories/manifest.tsv; bundles verified and cloned into data/work/histories), when the config does not already (its \"histories\" key)" };
        var shard = new Option<string?>("--shard") { Description = "k/N: mine only shard k's repositories (docs/sharding.md) into a partition folder (--out); join the N partitions with `c2l bench merge`" };
        var cmd = preset.AddTo(new Command("build", "Mine the config's repositories into Parquet files (both tracks) with a skip report.") { output, repos, list, testRule, histories, shard });
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var part = r.GetValue(shard) is { } text ? Evaluation.Shard.Parse(text) : null;
            var p = preset.Load<Preset>(r).Value;
            if (r.GetValue(testRule) is { } rule) p = p with { Mining = p.Mining with { TestRule = rule } };
            var outDir = r.GetValue(output) ?? Path.Combine(RepoPaths.Work, "bench-" + p.Name + (part is null ? "" : "." + part.Tag));
            var extra = (r.GetValue(repos) ?? []).Select(BenchInputs.FromPath).ToList();
            if (r.GetValue(list) is { } listFile)
                extra.AddRange(BenchInputs.FromList(listFile, Path.Combine(RepoPaths.Work, "clones"),
                    (id, why) => AnsiConsole.MarkupLine($"[yellow]not cloned[/] {Markup.Escape(id)}: {Markup.Escape(why)}")));
            if (r.GetValue(histories) && p.Histories is null) p = p with { Histories = Path.GetRelativePath(RepoPaths.Data, RepoPaths.HistoryManifest) };
            if (part is not null) await BuildShardAsync(p, part, outDir, extra, ct);
            else await BuildAsync(p, outDir, extra, CommandLine(), ct);
            return 0;
        }));
        return cmd;
    }

    /// <summary>Mines one shard's repositories into a partition folder.</summary>
    private static async Task BuildShardAsync(Preset p, Evaluation.Shard shard, string partDir, IEnumerable<RepoInput> extraRepos, CancellationToken ct)
    {
        AnsiConsole.MarkupLine($"[bold]bench build[/] preset [green]{p.Name}[/] shard {shard} → partition {Markup.Escape(partDir)}");
        var mined = await ProgressView.RunAsync(progress =>
        {
            var inputs = BenchInputs.Prepare(p, RepoPaths.Work, extraRepos, (name, why) => AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(name)}: {Markup.Escape(why)}"), progress);
            return Task.FromResult(BenchBuild.RunShard(inputs, shard, partDir, p.Bench, p.Mining, progress, cancel: ct));
        });
        AnsiConsole.MarkupLine($"shard {shard}: {Counts.Of(mined, "repository")} mined · join all {shard.Count} with: c2l bench merge --parts <the {shard.Count} partition folders> --out DIR");
    }

    /// <summary>`c2l bench merge --parts DIR... --out DIR`: joins the partitions of `bench build --shard k/N` into one benchmark.</summary>
    private static Command Merge()
    {
        var parts = new Option<string[]>("--parts") { Description = "The N partition folders of `c2l bench build --shard k/N` (every k once)", AllowMultipleArgumentsPerToken = true, Required = true };
        var output = new Option<string>("--out") { Description = "Benchmark folder to write", Required = true };
        var cmd = new Command("merge", "Join the partitions of a sharded `bench build` and write the files one process would (the cross-repo split needs every repository).")
            { parts, output };
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var outDir = r.GetValue(output)!;
            Runtime.OutputFolder.Check(outDir);
            var summary = await ProgressView.RunAsync(progress => BenchBuild.MergeAsync(r.GetValue(parts)!, outDir, CommandLine(), progress));
            AnsiConsole.MarkupLine($"[bold]bench merge[/] → {Markup.Escape(outDir)}: static {summary.StaticTasks.Values.Sum()} tasks, evolution {summary.EvolutionTasks.Values.Sum()} tasks, "
                                   + $"{summary.EvolutionCommits} commits · failed repositories: {summary.FailedRepos}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>Prepares the inputs and builds the benchmark, printing a summary table.</summary>
    internal static async Task<BenchSummary> BuildAsync(Preset p, string outDir, IEnumerable<RepoInput> extraRepos, string command, CancellationToken ct)
    {
        Runtime.OutputFolder.Check(outDir);
        AnsiConsole.MarkupLine($"[bold]bench build[/] preset [green]{p.Name}[/] → {Markup.Escape(outDir)}");
        var errors = new List<string>();
        var summary = await ProgressView.RunAsync(async progress =>
        {
            var inputs = BenchInputs.Prepare(p, RepoPaths.Work, extraRepos, (name, why) => { lock (errors) errors.Add($"{name}: {why}"); }, progress);
            if (inputs.Count == 0)
                throw new ArgumentException($"bench preset {p.Name} names no repositories to mine (no Debian list, no forge) and none were given; "
                                            + "pass --list FILE (owner/name or URL per line) or --repo PATH, or import the released RepoPeftBench with c2l bench import");
            return await BenchBuild.RunAsync(inputs, outDir, p.Bench, p.Mining, command, progress, cancel: ct);
        });
        foreach (var e in errors) AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(e)}");
        var table = new Table().AddColumns("track", "split", "repos", "tasks");
        foreach (var (track, tasks, repos) in new[] { ("static", summary.StaticTasks, summary.StaticRepos), ("evolution", summary.EvolutionTasks, summary.EvolutionRepos) })
            foreach (var split in SplitNames.QnaFiles.Where(tasks.ContainsKey))
                table.AddRow(track, split, repos.TryGetValue(split, out var n) ? n.ToString() : "(train repos)", tasks[split].ToString());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"evolution commits kept: {summary.EvolutionCommits} · failed repositories: {summary.FailedRepos} · {summary.Seconds:F1} s · skip report: {Markup.Escape(Path.Combine(outDir, "skips.md"))}");
        return summary;
    }

    /// <summary>`c2l bench import DIR`: the authors' released datasets (and their vectors) as a benchmark folder.</summary>
    private static Command Import()
    {
        var source = new Argument<string>("dir") { Description = "A released dataset folder as downloaded from the Hub (or a folder of several)" };
        var output = new Option<string?>("--to") { Description = "Benchmark folder to write (default data/work/bench-released)" };
        var dataset = new Option<string?>("--dataset") { Description = $"Which dataset DIR is, when its name does not say: {string.Join(", ", Bench.Released.ReleasedDataset.Names)}" };
        var cmd = new Command("import", "Convert the released RepoPeftBench datasets (columns, fp16 vectors) into a benchmark folder that Static and Evo train on without the encoder.")
            { source, output, dataset };
        cmd.SetAction(async (r, ct) => await CliErrors.Run(async () =>
        {
            var outDir = r.GetValue(output) ?? Path.Combine(RepoPaths.Work, "bench-released");
            var datasets = Bench.Released.ReleasedDataset.Find(r.GetValue(source)!, r.GetValue(dataset));
            AnsiConsole.MarkupLine($"[bold]bench import[/] {string.Join(", ", datasets.Select(d => d.Name))} → {Markup.Escape(outDir)}");
            var summary = await ProgressView.RunAsync(progress => Bench.Released.ReleasedImport.RunAsync(datasets, outDir, CommandLine(), progress, ct));
            var table = new Table().AddColumns("dataset", "file", "rows", "written to", "state vectors", "diff vectors", "not mapped");
            foreach (var f in summary.Files)
                table.AddRow(Markup.Escape(f.Dataset), Markup.Escape(f.File), $"{f.Rows:N0}", Markup.Escape(f.WrittenTo ?? "(vectors only)"), $"{f.StateVectors:N0}",
                    $"{f.DiffVectors:N0}", Markup.Escape(string.Join(", ", f.UnmappedColumns)));
            AnsiConsole.Write(table);
            foreach (var note in summary.Notes) AnsiConsole.MarkupLine($"[yellow]note[/] {Markup.Escape(note)}");
            AnsiConsole.MarkupLine($"{summary.Seconds:F1} s · manifest: {Markup.Escape(Path.Combine(outDir, "manifest.json"))}");
            return 0;
        }));
        return cmd;
    }

    private static Command Report()
    {
        var benchDir = new Option<string?>("--bench") { Description = "Benchmark folder (default data/work/bench-<preset>)" };
        var preset = PresetOption();
        var output = new Option<string?>("--out") { Description = "Report folder (default results/bench-stats/<preset>)" };
        var cmd = new Command("report", "Tables and figures of a built benchmark (Markdown, JSON, HTML, PNG).") { benchDir, preset, output };
        cmd.SetAction(async (r, ct) =>
        {
            var name = r.GetValue(preset)!;
            var dir = r.GetValue(benchDir) ?? Path.Combine(RepoPaths.Work, "bench-" + name);
            var outDir = r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench-stats", name);
            await ReportAsync(dir, outDir, CommandLine());
            return 0;
        });
        return cmd;
    }

    internal static async Task ReportAsync(string benchDir, string outDir, string command)
    {
        var files = await BenchReport.WriteAsync(benchDir, outDir, command);
        AnsiConsole.MarkupLine($"[bold]report[/] {Counts.Of(files.Count, "file")} in {Markup.Escape(outDir)}");
    }

    private static Command Speed()
    {
        var preset = new ConfigOptions("bench");
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/mining.json)" };
        var histories = new HistoryOptions();
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts for the real histories", DefaultValueFactory = _ => $"1,{Environment.ProcessorCount}" };
        var historiesOnly = new Option<bool>("--histories-only") { Description = "Skip the config's forge, Debian and mining-layer measurements" };
        var cmd = preset.AddTo(new Command("speed", "Measure the builder's throughput: real histories per repository (commits/s, peak RSS), the forge and the Debian corpus.")
            { output, threads, historiesOnly });
        histories.AddTo(cmd);
        cmd.SetAction(async (r, ct) =>
        {
            var p = preset.Load<Preset>(r).Value;
            var outPath = Runtime.OutputFolder.CheckFileFolder(r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench", "mining.json"));
            var threadCounts = r.GetValue(threads)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
            var inputs = histories.Resolve(r).Select(h => new RepoInput(h.RepoId, h.Path, h.Provenance, Static: false, Evolution: true)).ToList();
            var real = await ProgressView.RunAsync(progress => Task.Run(() =>
                MiningSpeed.MeasureHistories(inputs, "real histories", p.Bench, p.Mining, threadCounts, progress)));
            var corpora = new List<MiningSpeedResult>();
            if (!r.GetValue(historiesOnly))
            {
                // The histories were measured above; the forge is the controlled track's when this config has none of its own.
                var forge = p.Forge ?? (p.ControlledTrack is { } controlled ? Presets.Get(controlled).Forge : null);
                var corpus = BenchInputs.Prepare(p with { Histories = null, Forge = forge }, RepoPaths.Work, onError: (n, why) => AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(n)}: {Markup.Escape(why)}"));
                corpora.AddRange(MiningSpeed.Measure(corpus.Where(i => i.Evolution).ToList(), "forge", corpus.Where(i => i.Static).ToList(), "debian",
                    p.Bench, p.Mining, CommandLine()));
                corpora.Add(MiningSpeed.MeasureMiningLayer(RepoPaths.Work, p.Mining, CommandLine()));
            }
            var report = new MiningSpeedReport(real, corpora,
                "Wall-clock figures on a machine that may be shared: compare load_average_* with the core count, and cpu_seconds with seconds.",
                Runtime.Provenance.Capture(CommandLine()));
            Runtime.AtomicFile.WriteText(outPath, System.Text.Json.JsonSerializer.Serialize(report, Runtime.Provenance.Json));
            foreach (var h in real)
            {
                var perRepo = new Table().AddColumns("repository", "commits", "kept", "files", "tasks", "s", "cpu s", "commits/s", "peak RSS MiB");
                foreach (var x in h.PerRepo)
                    perRepo.AddRow(Markup.Escape(x.RepoId), $"{x.Commits}", $"{x.KeptCommits}", $"{x.FilesParsed}", $"{x.Tasks}", $"{x.Seconds:F2}", $"{x.CpuSeconds:F2}",
                        x.Error is null ? $"{x.CommitsPerS:F0}" : "[red]failed[/]", $"{x.PeakRssMib:F0}");
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(h.Corpus)}[/], {h.Threads} thread(s): {h.Commits} commits in {h.Seconds:F1} s = [green]{h.CommitsPerS:F0} commits/s[/], max peak RSS {h.MaxPeakRssMib:F0} MiB, load {h.LoadAverageStart} → {h.LoadAverageEnd}");
                AnsiConsole.Write(perRepo);
                foreach (var x in h.PerRepo.Where(x => x.Error is not null)) AnsiConsole.MarkupLine($"[red]{Markup.Escape(x.RepoId)}[/]: {Markup.Escape(x.Error!)}");
            }
            if (corpora.Count > 0)
            {
                var table = new Table().AddColumns("corpus", "threads", "repos", "commits", "files", "tasks", "s", "commits/s", "files/s", "tasks/s");
                foreach (var x in corpora)
                    table.AddRow(x.Corpus, $"{x.Threads}", $"{x.Repos}", $"{x.Commits}", $"{x.Files}", $"{x.Tasks}", $"{x.Seconds:F2}", $"{x.CommitsPerS:F0}", $"{x.FilesPerS:F0}", $"{x.TasksPerS:F0}");
                AnsiConsole.Write(table);
            }
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(outPath)}");
            return 0;
        });
        return cmd;
    }

    private static Command CheckKeys()
    {
        var preset = new ConfigOptions("bench");
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/key-check.json)" };
        var histories = new HistoryOptions();
        var maxCommits = new Option<int?>("--max-commits") { Description = "Check only the first N first-parent commits of each history" };
        var threads = new Option<int>("--threads") { Description = "Threads of the fast walk", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cmd = preset.AddTo(new Command("check-keys", "Check that the evolution track's hashed, one-pass keys keep exactly the commits and assertions the plain definition (built, normalised prefix strings) keeps.")
            { output, maxCommits, threads });
        histories.AddTo(cmd);
        cmd.SetAction((r, ct) =>
        {
            var p = preset.Load<Preset>(r).Value;
            var outPath = r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench", "key-check.json");
            var results = new List<KeyCheckResult>();
            foreach (var h in histories.Resolve(r))
            {
                var result = KeyCheck.Run(new RepoInput(h.RepoId, h.Path, h.Provenance), p.Mining, r.GetValue(threads), r.GetValue(maxCommits), p.Bench.HistoryCutoff);
                results.Add(result);
                AnsiConsole.MarkupLine($"{Markup.Escape(h.RepoId)}: {result.Commits} commits, {result.Versions} test-file versions, {result.NewAssertions} new assertions, " +
                                       (result.Mismatches == 0 ? "[green]same decisions[/]" : $"[red]{result.Mismatches} commits differ[/]: {Markup.Escape(result.FirstMismatch!)}"));
            }
            var report = new
            {
                repos = results.Count, commits = results.Sum(x => x.Commits), versions = results.Sum(x => x.Versions),
                new_assertions = results.Sum(x => x.NewAssertions), mismatches = results.Sum(x => x.Mismatches),
                per_repo = results, provenance = Runtime.Provenance.Capture(CommandLine()),
            };
            Runtime.AtomicFile.WriteText(outPath, System.Text.Json.JsonSerializer.Serialize(report, Runtime.Provenance.Json));
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(outPath)}");
            return Task.FromResult(report.mismatches == 0 ? 0 : 1);
        });
        return cmd;
    }

    private static Command CheckPython()
    {
        var preset = new ConfigOptions("bench");
        var output = new Option<string?>("--out") { Description = "Report folder (default results/python-frontend)" };
        var python = new Option<string?>("--python") { Description = "CPython interpreter to compare with (default /usr/bin/python3, else python3)" };
        var histories = new Option<bool>("--histories") { Description = "Compare on every distinct test-file version of the shipped real histories instead (writes histories.md)" };
        var cmd = preset.AddTo(new Command("check-python", "Compare the C# Python front end with CPython (tokenize, ast) on every test file of the preset's Debian corpus.") { output, python, histories });
        cmd.SetAction((r, ct) =>
        {
            var p = preset.Load<Preset>(r).Value;
            var outDir = Runtime.OutputFolder.Check(r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "python-frontend"));
            var onHistories = r.GetValue(histories);
            var inputs = onHistories ? BenchHistoryCommands.Histories()
                : BenchInputs.Prepare(p with { Forge = null, Histories = null }, RepoPaths.Work, onError: (n, why) => AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(n)}: {Markup.Escape(why)}"));
            var files = new List<string>();
            if (onHistories) files = BenchHistoryCommands.ExportTestVersions(inputs);
            else
                foreach (var input in inputs)
                {
                    using var source = RepoSource.Open(input.Path, input.RepoId);
                    files.AddRange(source.ReadSnapshot(include: f => f.EndsWith(".py")).Files
                        .Where(f => FileRules.IsTestFile(f.Path, f.Text, p.Mining.TestRule))
                        .Select(f => Path.Combine(input.Path, f.Path)));
                }
            AnsiConsole.MarkupLine($"comparing {Counts.Of(files.Count, "test file")} of {Counts.Of(inputs.Count, "repository")} with CPython …");
            var report = Python.PythonDifferential.Run(files, r.GetValue(python));
            var corpus = onHistories
                ? $"every distinct test-file version (paper or code rule) of the first-parent histories of `data/histories/manifest.tsv` ({inputs.Count} repositories)"
                : $"test files of `{p.StaticPackages}` ({inputs.Count} packages)";
            var md = $"# Python front end vs CPython\n\nCommand: `{CommandLine()}` · code `{Runtime.Provenance.CodeVersion()}` · corpus: {corpus}\n\n" + report.ToMarkdown().Replace(RepoPaths.Root + "/", "");
            var mdPath = Path.Combine(outDir, onHistories ? "histories.md" : "differential.md");
            Runtime.AtomicFile.WriteText(mdPath, md);
            AnsiConsole.MarkupLine($"token streams agree on {report.TokenAgreement:P2} of {report.Files} files; assertion-family counts on {report.FamilyAgreement:P2} → {Markup.Escape(mdPath)}");
            return Task.FromResult(report.TokenAgreement >= 0.999 && report.FamilyAgreement >= 0.99 ? 0 : 1);
        });
        return cmd;
    }

    private static Command CodeBleuSpeed()
    {
        var predictions = new Option<string?>("--predictions") { Description = "Folder searched for predictions/**/*.parquet (default results/)" };
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/codebleu.json)" };
        var pairs = new Option<string?>("--pairs") { Description = "Also score this JSON list of {prediction, reference} (scripts/reference/codebleu_check.py pairs)" };
        var dump = new Option<string?>("--dump") { Description = "Write each distinct pair's CodeBLEU parts as JSON lines (for scripts/reference/codebleu_check.py check)" };
        var cmd = new Command("codebleu-speed", "Time CodeBLEU on every saved prediction (cold, then with each string's parse cached).") { predictions, output, pairs, dump };
        cmd.SetAction(async (r, ct) =>
        {
            var root = r.GetValue(predictions) ?? RepoPaths.Results;
            var files = Directory.GetFiles(root, "*.parquet", SearchOption.AllDirectories)
                .Where(f => f.Split(Path.DirectorySeparatorChar).Contains("predictions")).Order(StringComparer.Ordinal).ToList();
            var extra = r.GetValue(pairs) is { } pairsFile ? Experiments.CodeBleuSpeed.ReadPairs(pairsFile) : null;
            var result = await Experiments.CodeBleuSpeed.MeasureAsync(files, CommandLine(), extra, r.GetValue(dump));
            var outPath = r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench", "codebleu.json");
            Runtime.AtomicFile.WriteText(outPath, System.Text.Json.JsonSerializer.Serialize(result, Runtime.Provenance.Json));
            AnsiConsole.MarkupLine($"{result.Tasks} tasks ({result.DistinctPairs} distinct) from {result.Files} files: cold {result.ColdSeconds:F2} s "
                + $"({result.ColdTasksPerS:F0} tasks/s), warm {result.WarmSeconds:F2} s, mean CodeBLEU {result.MeanCodeBleu:F4}, load {result.LoadAverage:F1} → {Markup.Escape(outPath)}");
            return 0;
        });
        return cmd;
    }

    private static Command TrainSpeed()
    {
        var preset = new ConfigOptions("pretrain");
        var batch = new Option<int?>("--batch") { Description = "Sequences per step (default: the preset's)" };
        var seq = new Option<int?>("--seq") { Description = "Tokens per sequence (default: the preset's)" };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up steps", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "Timed steps", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both frameworks (0 = one per core)", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "Comma-separated: fp32, bf16", DefaultValueFactory = _ => "fp32,bf16" };
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Time TorchSharp only" };
        var output = new Option<string?>("--out") { Description = "Result file (default results/bench/train-throughput.json)" };
        var cmd = new Command("train-speed", "Training tokens/s (forward + backward + AdamW) of a decoder in TorchSharp and, with the same weights, batch and threads, in PyTorch.")
            { batch, seq, warmup, steps, threads, precision, noPyTorch, output };
        preset.AddTo(cmd);
        cmd.SetAction((r, ct) =>
        {
            var p = preset.Load<Training.Pretrain.PretrainConfig>(r).Value;
            var settings = new Training.Throughput.TrainThroughputSettings
            {
                Model = p.Model,
                BatchSize = r.GetValue(batch) ?? p.BatchSize,
                SequenceLength = r.GetValue(seq) ?? p.SequenceLength,
                WarmupSteps = r.GetValue(warmup),
                TimedSteps = r.GetValue(steps),
                Threads = r.GetValue(threads),
                Precisions = r.GetValue(precision)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                CompareWithPyTorch = !r.GetValue(noPyTorch),
            };
            var outPath = Runtime.OutputFolder.CheckFileFolder(r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench", "train-throughput.json"));
            AnsiConsole.MarkupLine($"[bold]train-speed[/] {Markup.Escape(p.Model.Describe())} · batch {settings.BatchSize} × {settings.SequenceLength} · {settings.EffectiveThreads} threads");
            var results = Training.Throughput.TrainThroughput.Measure(settings, CommandLine(), log: line => AnsiConsole.WriteLine(line));
            Runtime.AtomicFile.WriteText(outPath, System.Text.Json.JsonSerializer.Serialize(results, Runtime.Provenance.Json));
            var table = new Table().AddColumns("framework", "precision", "threads", "ms/step", "tok/s", "peak RSS MB", "first loss", "last loss");
            foreach (var x in results)
                table.AddRow(x.Framework, x.Precision, $"{x.Threads}", $"{x.MsPerStep:F0}", $"{x.TokensPerS:F0}", $"{x.PeakRssMb:F0}", $"{x.FirstLoss:F4}", $"{x.LastLoss:F4}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(outPath)}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    internal static string CommandLine() => "c2l " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));

    /// <summary>The preset's benchmark folder, built first when it has no manifest yet (the experiments' commands need it).</summary>
    internal static async Task<string> EnsureBuiltAsync(Preset p)
    {
        var benchDir = Path.Combine(RepoPaths.Work, "bench-" + p.Name);
        if (!File.Exists(Path.Combine(benchDir, "manifest.json"))) await BuildAsync(p, benchDir, [], CommandLine(), CancellationToken.None);
        return benchDir;
    }
}
