using System.CommandLine;
using Code2Lora.Config;
using Code2Lora.Mining;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l histories prepare`: verify the shipped git bundles and clone them into the local cache.</summary>
internal static class HistoriesCommand
{
    public static Command Create()
    {
        var histories = new Command("histories", "The shipped real git histories (data/histories/).");
        var bundles = new Option<string?>("--bundles") { Description = "Folder of the .bundle files (default: C2L_HISTORIES, else data/histories)" };
        var cache = new Option<string?>("--cache") { Description = "Folder of the clones (default data/work/histories)" };
        var prepare = new Command("prepare", "Check every bundle's sha256 against data/histories/manifest.tsv and clone it into the cache (once).") { bundles, cache };
        prepare.SetAction((r, ct) =>
        {
            var bundleDir = r.GetValue(bundles) ?? RepoPaths.HistoryBundles;
            var cacheDir = r.GetValue(cache) ?? RepoPaths.HistoryCache;
            var errors = new List<(string Repo, string Why)>();
            var clones = HistoryBundles.Prepare(RepoPaths.HistoryManifest, bundleDir, cacheDir, (id, why) => errors.Add((id, why)));
            var table = new Table().AddColumns("repository", "licence", "first-parent commits", "HEAD", "clone");
            foreach (var c in clones)
                table.AddRow(Markup.Escape(c.Entry.RepoId), Markup.Escape(c.Entry.Spdx), $"{c.Entry.FirstParentCommits}", c.Entry.HeadSha[..12], c.ClonedNow ? "cloned" : "cached");
            AnsiConsole.Write(table);
            foreach (var (repo, why) in errors) AnsiConsole.MarkupLine($"[red]not prepared[/] {Markup.Escape(repo)}: {Markup.Escape(why)}");
            AnsiConsole.MarkupLine($"{clones.Count} histories ready in {Markup.Escape(cacheDir)}; {errors.Count} failed");
            return Task.FromResult(errors.Count == 0 ? 0 : 1);
        });
        histories.Subcommands.Add(prepare);
        return histories;
    }
}
