using System.CommandLine;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Mining;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l mine`: clone a list of repositories and summarise their histories (no benchmark is written).</summary>
internal static class MineCommand
{
    public static Command Create()
    {
        var list = new Option<string>("--list") { Description = "File with one URL or owner/name per line", Required = true };
        var cache = new Option<string?>("--cache") { Description = "Clone folder (default data/work/clones)" };
        var cmd = new Command("mine", "Clone (or update) repositories from a list and show their first-parent histories and test files.") { list, cache };
        cmd.SetAction((r, ct) =>
        {
            var inputs = BenchInputs.FromList(r.GetValue(list)!, r.GetValue(cache) ?? Path.Combine(RepoPaths.Work, "clones"),
                (id, why) => AnsiConsole.MarkupLine($"[yellow]not cloned[/] {Markup.Escape(id)}: {Markup.Escape(why)}"));
            var table = new Table().AddColumns("repository", "commits", "head", "python files", "test files (paper rule)", "skipped");
            foreach (var input in inputs)
            {
                using var src = RepoSource.Open(input.Path, input.RepoId);
                var snap = src.ReadSnapshot(include: f => f.EndsWith(".py"));
                table.AddRow(Markup.Escape(input.RepoId), $"{src.FirstParentHistory().Count}", src.Head.Sha[..10], $"{snap.Files.Count}",
                    $"{snap.Files.Count(f => FileRules.IsTestPath(f.Path, TestFileRule.Paper))}", $"{snap.Skipped.Count}");
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"next: [grey]./c2l bench build --preset paper --list {Markup.Escape(r.GetValue(list)!)}[/]");
            return Task.FromResult(inputs.Count > 0 ? 0 : 1);
        });
        return cmd;
    }
}
