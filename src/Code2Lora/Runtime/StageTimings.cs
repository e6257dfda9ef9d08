using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code2Lora.Runtime;

/// <summary>One timed stage of a pipeline run (wall clock; a stage that only reused cached outputs takes seconds), with the machine's
/// load averages when it ended: other processes on the cores can make a stage many times slower.</summary>
public sealed record StageTiming([property: JsonPropertyName("stage")] string Stage, [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("peak_rss_mib")] double PeakRssMiB, [property: JsonPropertyName("load_average")] string? LoadAverage = null);

/// <summary>Wall-clock time per stage of <c>c2l reproduce</c>, rewritten after every stage, so the time budget of a preset is a measured
/// file rather than a claim. Every run writes the untracked <c>timings.run.json</c>; only a run asked to record (on a quiet machine,
/// from a clean clone) writes the committed <c>timings.json</c> that the README quotes.</summary>
public sealed class StageTimings(string path, string command, bool record = false)
{
    private readonly List<StageTiming> _stages = [];
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly string? _loadAtStart = MachineLoad.Now();

    /// <summary>The file this run writes: <c>path</c> when recording, else its sidecar (timings.run.json).</summary>
    public string OutputPath { get; } = record ? path : ResultFile.SidecarPath(path);

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
        _stages.Add(new StageTiming(stage, Math.Round(seconds, 1), Math.Round(self.PeakWorkingSet64 / 1048576.0, 1), MachineLoad.Now()));
        var document = new
        {
            stages = _stages,
            total_seconds = Math.Round(_total.Elapsed.TotalSeconds, 1),
            threads = TorchSharp.torch.get_num_threads(),
            omp_wait_policy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"),
            load_average_at_start = _loadAtStart,
            provenance = Provenance.Capture(command),
        };
        AtomicFile.WriteText(OutputPath, JsonSerializer.Serialize(document, Provenance.Json));
    }
}
