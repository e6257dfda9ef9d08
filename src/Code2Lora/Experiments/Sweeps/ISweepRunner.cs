using Code2Lora.Runtime;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>Trains and evaluates one sweep run in its folder. Implementations resume: a training whose checkpoints are in
/// <see cref="SweepRun.RunDirectory"/> continues from them, and the evaluation reuses the predictions already decoded.</summary>
public interface ISweepRunner
{
    /// <summary>Trains <paramref name="methods"/> (each a timed stage of <paramref name="timings"/>), evaluates them and returns their
    /// results by method; a cancelled run throws <see cref="OperationCanceledException"/> after its trainers checkpointed.</summary>
    Task<IReadOnlyDictionary<string, SweepMethodResult>> RunAsync(SweepRun run, IReadOnlyList<string> methods, StageTimings timings, string command,
        Action<string>? note, CancellationToken cancel);
}
