using System.Text;
using System.Text.Json;
using Code2Lora.Runtime;
using Code2Lora.Training;

namespace Code2Lora.Experiments;

/// <summary>Where a per-repo LoRA run is: repository <c>Repo</c> of <c>Repos</c> (1-based) and its trainer's progress.</summary>
public sealed record PerRepoLoraProgress(string RepoId, int Repo, int Repos, TrainingProgress Training);

/// <summary>One finished per-repo LoRA: training wall-clock seconds (summed over resumes, evaluation excluded), optimizer steps,
/// training tasks, and the last loss on its own IR-val tasks (null when it has none).</summary>
public sealed record PerRepoLoraTiming(double Seconds, int Steps, int Examples, double? ValLoss);

/// <summary>How a call to <see cref="StaticExperiment.TrainPerRepoLora"/> ended: repositories in all, trained now, skipped because
/// finished earlier; <c>Completed</c> is false when it stopped part-way (re-run to resume).</summary>
public sealed record PerRepoLoraResult(int Repos, int Trained, int Skipped, bool Completed, IReadOnlyDictionary<string, PerRepoLoraTiming> Timings);

/// <summary>The files of the per-repo LoRA baseline: one PEFT directory per repository and timings.json.</summary>
public static class PerRepoLoraFiles
{
    /// <summary>A folder name for a repository id: letters, digits, '.', '-' and '_' kept, '/' as "__", anything else as '_'.</summary>
    public static string SafeName(string repoId)
    {
        var sb = new StringBuilder(repoId.Length);
        foreach (var ch in repoId)
            sb.Append(ch == '/' ? "__" : char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch.ToString() : "_");
        var name = sb.ToString();
        return name is "" or "." or ".." ? "_" + name : name;
    }

    /// <summary>Folder names for <paramref name="repoIds"/>; two ids that map to one name are a clear error, never a shared folder.</summary>
    public static IReadOnlyDictionary<string, string> SafeNames(IEnumerable<string> repoIds)
    {
        var names = repoIds.Distinct(StringComparer.Ordinal).ToDictionary(r => r, SafeName, StringComparer.Ordinal);
        foreach (var clash in names.GroupBy(kv => kv.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            throw new InvalidOperationException($"repositories {string.Join(" and ", clash.Select(kv => $"'{kv.Key}'"))} would share the per-repo LoRA folder '{clash.Key}'; rename one.");
        return names;
    }

    /// <summary>Reads timings.json (repository id → timing); empty when absent.</summary>
    public static Dictionary<string, PerRepoLoraTiming> ReadTimings(string path)
    {
        if (!File.Exists(path)) return new Dictionary<string, PerRepoLoraTiming>(StringComparer.Ordinal);
        try
        {
            var read = JsonSerializer.Deserialize<Dictionary<string, PerRepoLoraTiming>>(File.ReadAllText(path), Provenance.Json)
                       ?? throw new JsonException("empty document");
            return new Dictionary<string, PerRepoLoraTiming>(read, StringComparer.Ordinal);
        }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not a per-repo LoRA timings file: {e.Message}", e); }
    }

    /// <summary>Writes timings.json atomically, repositories in ordinal order.</summary>
    public static void WriteTimings(string path, IReadOnlyDictionary<string, PerRepoLoraTiming> timings) =>
        AtomicFile.WriteText(path, JsonSerializer.Serialize(timings.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(), Provenance.Json));
}
