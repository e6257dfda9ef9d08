using System.CommandLine;
using Code2Lora.Config;
using Code2Lora.Mining;

namespace Code2Lora.Cli;

/// <summary>The options that name real git histories: repeatable <c>--repo PATH</c> and <c>--repos</c> (a folder of repositories
/// and/or bundles, or a manifest); bundles are cloned once into data/work/histories.</summary>
internal sealed class HistoryOptions
{
    private readonly Option<string[]> _repo = new("--repo") { Description = "A real git history (repository path); repeatable", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _repos = new("--repos") { Description = "Real histories: a folder of repositories and/or .bundle files, or a manifest .tsv (e.g. data/histories/manifest.tsv)" };

    /// <summary>Adds the options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(_repo);
        command.Options.Add(_repos);
        return command;
    }

    /// <summary>Every history the command line names, in the order given (each folder or manifest ordered by repository id).</summary>
    public IReadOnlyList<HistoryRepo> Resolve(ParseResult r) =>
        (r.GetValue(_repo) ?? []).Concat(r.GetValue(_repos) is { } set ? [set] : [])
            .SelectMany(path => HistorySet.Resolve(path, Path.Combine(RepoPaths.Work, "histories"))).ToList();
}
