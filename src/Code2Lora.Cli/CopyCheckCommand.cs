using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Evaluation;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Code2Lora.Training.Pretrain;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l model copy-check`: can the base model copy a target it sees in its prompt? Scores it on the benchmark tasks whose
/// target appears verbatim in the (cut) prompt and writes results/copy-check/&lt;kind&gt;-&lt;name&gt;/copy-check.{json,md}.</summary>
internal static class CopyCheckCommand
{
    public static Command Create()
    {
        var options = new ConfigOptions(null);
        var kind = new Option<string>("--kind") { Description = "Which experiment config names the benchmark, base model and decoding: static (configs/static) or evo (configs/evo, e.g. --kind evo --preset forge).", DefaultValueFactory = _ => "static" };
        var track = new Option<string>("--track") { Description = $"With --kind static, which track's CR-test and IR-test tasks: {string.Join(" | ", CopyCheckRun.Tracks)} (evo: the evolution track's scored tasks).", DefaultValueFactory = _ => "both" };
        var minChars = new Option<int>("--min-target-chars") { Description = "Leave out shorter targets (\"1)\" or \"None\" sit in almost every prompt).", DefaultValueFactory = _ => new CopyCheckOptions().MinTargetChars };
        var examples = new Option<int>("--examples") { Description = "Tasks listed per split in the report.", DefaultValueFactory = _ => new CopyCheckOptions().Examples };
        var output = new Option<string?>("--out") { Description = "Output folder (default results/copy-check/<kind>-<config name>)." };
        var card = new Option<FileInfo?>("--card") { Description = "Also write the result into this MODEL_CARD.md (its copy-check section is replaced)." };
        var cmd = new Command("copy-check", "Score the base model on benchmark tasks whose target appears verbatim in the prompt (issue 15 §4).")
            { kind, track, minChars, examples, output, card };
        options.AddTo(cmd);
        cmd.SetAction(async (parse, ct) => await CliErrors.Run(async () =>
        {
            var chosenKind = parse.GetValue(kind)!;
            if (chosenKind is not ("static" or "evo"))
                throw new ConfigException("--kind", chosenKind, "is not an experiment kind", "use static or evo");
            var chosenTrack = parse.GetValue(track)!;
            if (!CopyCheckRun.Tracks.Contains(chosenTrack))
                throw new ConfigException("--track", chosenTrack, "is not a track", $"use one of {string.Join(", ", CopyCheckRun.Tracks)}");
            var cardFile = parse.GetValue(card);
            if (cardFile is not null && !cardFile.Exists)
                throw new FileNotFoundException($"{cardFile.FullName}: no such model card; give an existing MODEL_CARD.md or leave out --card.");
            var copyOptions = new CopyCheckOptions { MinTargetChars = parse.GetValue(minChars), Examples = parse.GetValue(examples) };

            Func<IProgress<(string Split, int Done, int Total)>, CopyCheckReport> run;
            string name;
            if (chosenKind == "static")
            {
                var loaded = options.Load<StaticExperimentConfig>(parse, "static");
                FrozenBase.Check(loaded.Value.BaseModel);   // a wrong base model fails before the benchmark is built
                var benchDir = await BenchCommand.EnsureBuiltAsync(loaded.Linked<Preset>("bench", loaded.Value.Bench).Value);
                var experiment = await StaticExperiment.OpenAsync(loaded.Value, benchDir, Path.Combine(RepoPaths.Work, "static-" + loaded.Value.Name));
                name = "static-" + loaded.Value.Name;
                copyOptions = copyOptions with { Seed = loaded.Value.Seed };
                run = p => CopyCheckRun.Run(experiment, chosenTrack, copyOptions, Results(), BenchCommand.CommandLine(), p);
            }
            else
            {
                var loaded = options.Load<EvoExperimentConfig>(parse, "evo");
                FrozenBase.Check(loaded.Value.BaseModel);
                var benchDir = await BenchCommand.EnsureBuiltAsync(loaded.Linked<Preset>("bench", loaded.Value.Bench).Value);
                var experiment = await EvoExperiment.OpenAsync(loaded.Value, benchDir, Path.Combine(RepoPaths.Work, "evo-" + loaded.Value.Name));
                name = "evo-" + loaded.Value.Name;
                copyOptions = copyOptions with { Seed = loaded.Value.Seed };
                run = p => CopyCheckRun.Run(experiment, copyOptions, Results(), BenchCommand.CommandLine(), p);
            }
            string Results() => parse.GetValue(output) ?? Path.Combine(RepoPaths.Results, "copy-check", name);

            var report = await ProgressView.RunAsync(progress => Task.Run(() => run(
                new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report(new BenchProgress($"copy check {p.Split}", p.Done, p.Total, null)))), ct));
            Console.WriteLine(report.CardSection());
            if (cardFile is not null)
            {
                AtomicFile.WriteText(cardFile.FullName, ModelCard.WithCopyCheck(File.ReadAllText(cardFile.FullName), report));
                AnsiConsole.MarkupLine($"→ {Markup.Escape(cardFile.FullName)} (copy-check section)");
            }
            AnsiConsole.MarkupLine($"→ {Markup.Escape(Results())}");
            return 0;
        }));
        return cmd;
    }
}
