using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using LibGit2Sharp;

namespace Code2Lora.Runtime;

/// <summary>Where a result came from: command, code version, machine and time. Written beside every result file.</summary>
public sealed record Provenance
{
    /// <summary>The command line (or notebook) that produced the result.</summary>
    public required string Command { get; init; }
    /// <summary>The git commit of this package's checkout, with "+dirty" when it had uncommitted changes.</summary>
    public required string GitSha { get; init; }
    /// <summary>UTC time the result was written.</summary>
    public required DateTime CreatedUtc { get; init; }
    /// <summary>OS, architecture, core count and LibTorch backend.</summary>
    public required string Machine { get; init; }
    /// <summary>Package version of Code2Lora.</summary>
    public required string Version { get; init; }
    /// <summary>The config files the run resolved (file, <c>--set</c> overrides, hash of the resolved config); null when none.</summary>
    public IReadOnlyList<Config.ConfigStamp>? Configs { get; init; }

    /// <summary>Captures the current process's provenance for the given command.</summary>
    public static Provenance Capture(string command) => new()
    {
        Command = command,
        GitSha = CodeVersion(),
        CreatedUtc = DateTime.UtcNow,
        Machine = $"{RuntimeInformation.OSDescription.Trim()} · {RuntimeInformation.OSArchitecture} · {Environment.ProcessorCount} cores · " +
                  $"{RuntimeInformation.FrameworkDescription} · torch backend {BuildInfo.TorchBackend}",
        Version = BuildInfo.Version,
        Configs = Config.RunConfigs.Current is { Count: > 0 } configs ? configs.OrderBy(c => c.Kind, StringComparer.Ordinal).ToList() : null,
    };

    private static readonly string[] OutputPrefixes = ["results/", "notebooks/", "data/work/"];

    /// <summary>The git sha of the checkout containing the working directory (or this assembly), "unknown" outside git.</summary>
    public static string CodeVersion()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            try
            {
                var gitDir = Repository.Discover(start);
                if (gitDir is null) continue;
                using var repo = new Repository(gitDir);
                if (repo.Head?.Tip is null) return "unborn";
                // Outputs (results, executed notebooks, generated data) change on every run; only code makes a result "dirty".
                bool dirty = repo.RetrieveStatus(new StatusOptions { IncludeUntracked = false })
                    .Any(e => e.State != FileStatus.Ignored && e.State != FileStatus.Unaltered && !OutputPrefixes.Any(p => e.FilePath.StartsWith(p, StringComparison.Ordinal)));
                return repo.Head.Tip.Sha + (dirty ? "+dirty" : "");
            }
            catch (LibGit2SharpException) { /* not a usable repository: try the next start point */ }
        }
        return "unknown";
    }

    /// <summary>JSON options shared by every result file: camel-case-free snake_case keys, indented.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
