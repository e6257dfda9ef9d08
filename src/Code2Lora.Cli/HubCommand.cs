using System.CommandLine;
using Code2Lora.Hub;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l hub download`: models and datasets from the Hugging Face Hub into huggingface_hub's cache layout (or a plain folder),
/// resumable, parallel and verified; HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE and HF_HUB_CACHE/HF_HOME are honoured.</summary>
internal static class HubCommand
{
    public static Command Create()
    {
        var repoId = new Argument<string>("repo-id") { Description = "Repository id on the Hub, e.g. Qwen/Qwen2.5-Coder-1.5B." };
        var revision = new Option<string>("--revision") { Description = "Branch, tag or commit.", DefaultValueFactory = _ => "main" };
        var type = new Option<string>("--type") { Description = "model | dataset", DefaultValueFactory = _ => "model" };
        var include = new Option<string[]>("--include") { Description = "Only files matching these globs (fnmatch, '*' crosses '/'; 'dir/' = everything under dir); repeatable.", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Skip files matching these globs; repeatable.", AllowMultipleArgumentsPerToken = true };
        var to = new Option<string?>("--to") { Description = "Cache root in huggingface_hub's layout (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub)." };
        var localDir = new Option<string?>("--local-dir") { Description = "Write plain files into this folder instead of the cache (huggingface_hub's local_dir layout)." };
        var workers = new Option<int>("--workers") { Description = "Files downloaded at once.", DefaultValueFactory = _ => 8 };
        var download = new Command("download", "Download a model or dataset repository (resumable: re-run the same command after an interruption).")
        {
            repoId, revision, type, include, exclude, to, localDir, workers,
        };
        download.SetAction(async (parse, ct) => await CliErrors.Run(async () =>
        {
            if (parse.GetValue(to) is not null && parse.GetValue(localDir) is not null)
                throw new ArgumentException("give either --to (cache layout) or --local-dir (plain folder), not both.");
            var environment = HubSettings.FromEnvironment();
            var settings = environment with
            {
                CacheDirectory = parse.GetValue(to) ?? environment.CacheDirectory,
                MaxParallelDownloads = parse.GetValue(workers),
            };
            var repo = HubRepo.Create(parse.GetValue(repoId)!, HubRepo.ParseType(parse.GetValue(type)!));
            var request = new HubDownloadRequest(repo, parse.GetValue(revision)!)
            {
                Filter = new FileFilter(parse.GetValue(include), parse.GetValue(exclude)),
                LocalDir = parse.GetValue(localDir),
            };
            using var client = new HubClient(settings);
            var where = request.LocalDir is null ? new HubCache(settings.CacheDirectory).Root : Path.GetFullPath(request.LocalDir);
            AnsiConsole.MarkupLine($"[bold]hub download[/] {Markup.Escape(repo.ToString())} @ {Markup.Escape(request.Revision)} → {Markup.Escape(where)}"
                                   + (settings.Offline ? " [yellow](HF_HUB_OFFLINE: local copy only)[/]" : ""));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            HubSnapshot snapshot;
            try
            {
                snapshot = await HubProgressView.RunAsync(progress => client.DownloadAsync(request, progress, ct));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine("[yellow]interrupted:[/] partial files are kept; re-run the same command to resume.");
                return 130;
            }
            AnsiConsole.MarkupLine(snapshot.Offline
                ? $"{snapshot.Files.Count} files served from the local copy (commit {Markup.Escape(snapshot.Commit ?? "unknown")})."
                : $"commit {snapshot.Commit}: {snapshot.Files.Count} files, {snapshot.Downloaded} downloaded ({HubProgressView.Bytes(snapshot.BytesTransferred)} "
                  + $"in {clock.Elapsed.TotalSeconds:F1} s), {snapshot.Reused} already present.");
            if (repo.Type == HubRepoType.Model && request.LocalDir is null)
                AnsiConsole.MarkupLine($"[grey]load it with --model {Markup.Escape(repo.Id)} (HF_HUB_CACHE={Markup.Escape(settings.CacheDirectory)}) or --model <the folder below>[/]");
            Console.WriteLine(snapshot.Folder);
            return 0;
        }));
        var cmd = new Command("hub", "Hugging Face Hub: models and datasets (huggingface_hub's cache layout).");
        cmd.Subcommands.Add(download);
        return cmd;
    }
}
