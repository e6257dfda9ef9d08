using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code2Lora.Runtime;

/// <summary>One timed stage of a pipeline run (wall clock; a stage that only reused cached outputs takes seconds).</summary>
public sealed record StageTiming([property: JsonPropertyName("stage")] string Stage, [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("peak_rss_mib")] double PeakRssMiB);

/// <summary>Wall-clock time per stage of <c>c2l reproduce</c>, rewritten after every stage (results/reproduce/&lt;preset&gt;/timings.json),
/// so the time budget of a preset is a measured file rather than a claim.</summary>
public sealed class StageTimings(string path, string command)
{
    private readonly List<StageTiming> _stages = [];
    private readonly Stopwatch _total = Stopwatch.StartNew();

    /// <summary>Stages finished so far, in order.</summary>
    public IReadOnlyList<StageTiming> Stages => _stages;

    /// <summary>Runs one stage, records its time and peak resident memory so far, and rewrites the file.</summary>
    public async Task<T> TimeAsync<T>(string stage, Func<Task<T>> run)
    {
        var clock = Stopwatch.StartNew();
        var result = await run();
        Record(stage, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>Runs one stage without a result.</summary>
    public Task TimeAsync(string stage, Func<Task> run) => TimeAsync(stage, async () => { await run(); return 0; });

    private void Record(string stage, double seconds)
    {
        using var self = Process.GetCurrentProcess();
        _stages.Add(new StageTiming(stage, Math.Round(seconds, 1), Math.Round(self.PeakWorkingSet64 / 1048576.0, 1)));
        var document = new
        {
            stages = _stages,
            total_seconds = Math.Round(_total.Elapsed.TotalSeconds, 1),
            threads = TorchSharp.torch.get_num_threads(),
            provenance = Provenance.Capture(command),
        };
        AtomicFile.WriteText(path, JsonSerializer.Serialize(document, Provenance.Json));
    }
}
