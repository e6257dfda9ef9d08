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
        var options = new ConfigOptions(kind: null);
        options.AddTo(show);
        show.SetAction(r => CliErrors.Run(() =>
        {
            var loaded = options.LoadBoxed(r, r.GetValue(kind)!);
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
}
