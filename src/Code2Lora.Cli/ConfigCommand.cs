using System.CommandLine;
using Code2Lora.Config;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l config show|list`: the resolved config a verb would run with, and the shipped presets.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var cmd = new Command("config", "Experiment configs (configs/<kind>/<name>.json): show the resolved config, list the presets.");
        var show = new Command("show", "Print the resolved config (every field, defaults included) after --set overrides, and the name its run gets.");
        var kind = new Argument<string>("kind") { Description = string.Join(" | ", ConfigFiles.Kinds) };
        show.Arguments.Add(kind);
        var options = new ConfigOptionsByKind();
        options.AddTo(show);
        show.SetAction(r => CliErrors.Run(() =>
        {
            var loaded = options.Load(r, r.GetValue(kind)!);
            Console.WriteLine(loaded.Json);
            foreach (var (key, note) in loaded.Notes) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(key)}: {Markup.Escape(note)}[/]");
            Console.WriteLine($"source: {loaded.Source}{string.Concat(loaded.Overrides.Select(o => " --set " + o))} · sha256 {loaded.Sha256[..12]}");
            return 0;
        }));
        var list = new Command("list", "The shipped presets of every kind.");
        list.SetAction(_ =>
        {
            foreach (var k in ConfigFiles.Kinds) Console.WriteLine($"{k,-13} {string.Join(", ", ConfigFiles.Available(k))}");
            return 0;
        });
        cmd.Subcommands.Add(show);
        cmd.Subcommands.Add(list);
        return cmd;
    }

    /// <summary>--preset/--config/--set for a kind known only after parsing.</summary>
    private sealed class ConfigOptionsByKind
    {
        private readonly Option<string?> _preset = new("--preset") { Description = "Shipped preset name (default tiny)" };
        private readonly Option<string?> _config = new("--config") { Description = "A config file, instead of --preset" };
        private readonly Option<string[]> _set = new("--set") { Description = "Override a key (repeatable)" };

        public void AddTo(Command c) { c.Options.Add(_preset); c.Options.Add(_config); c.Options.Add(_set); }

        public LoadedConfig<object> Load(ParseResult r, string kind)
        {
            if (r.GetValue(_preset) is not null && r.GetValue(_config) is not null)
                throw new ConfigException("--config", "", "given together with --preset", "use one");
            var selector = r.GetValue(_config) ?? r.GetValue(_preset) ?? "tiny";
            var sets = r.GetValue(_set) ?? [];
            return kind switch
            {
                "bench" => Box(ConfigFiles.Load<Preset>(kind, selector, sets)),
                "static" => Box(ConfigFiles.Load<Experiments.StaticExperimentConfig>(kind, selector, sets)),
                "evo" => Box(ConfigFiles.Load<Experiments.EvoExperimentConfig>(kind, selector, sets)),
                "pretrain" => Box(ConfigFiles.Load<Training.Pretrain.PretrainConfig>(kind, selector, sets)),
                "conditioning" => Box(ConfigFiles.Load<Experiments.ConditioningStudyConfig>(kind, selector, sets)),
                _ => throw new ArgumentException($"no config kind '{kind}' ({string.Join(", ", ConfigFiles.Kinds)})."),
            };
        }

        private static LoadedConfig<object> Box<T>(LoadedConfig<T> c) =>
            new(c.Value!, c.Kind, c.Source, c.Folder, c.Overrides, c.Notes, c.Json, c.Sha256);
    }
}
