using Code2Lora.Config;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>One grid point of a sweep: its overrides, a readable label and one run per seed.</summary>
/// <param name="Label">"lora.rank=4, head_hidden=64", or "default" for the config's own values.</param>
/// <param name="Overrides">The grid's <c>--set</c> texts of this point (empty for the default point).</param>
/// <param name="IsDefault">True for the point whose resolved config equals the unmodified config: the others are compared with it.</param>
/// <param name="Runs">One run per seed, in seed order.</param>
public sealed record SweepPoint(string Label, IReadOnlyList<string> Overrides, bool IsDefault, IReadOnlyList<SweepRun> Runs);

/// <summary>One point × seed: its resolved config and the run folder keyed by that config's hash, so two sweeps that share a point
/// share its folder (and its training and predictions).</summary>
/// <param name="Point">The label of its point.</param>
/// <param name="Seed">The config's <c>seed</c> for this run.</param>
/// <param name="Key">First 12 hex digits of the resolved config's identity hash (name and device left out).</param>
/// <param name="Folder">&lt;runs root&gt;/&lt;kind&gt;-&lt;key&gt;.</param>
/// <param name="Config">The resolved config (overrides and seed applied).</param>
public sealed record SweepRun(string Point, int Seed, string Key, string Folder, LoadedConfig<object> Config)
{
    /// <summary>Written last, when training and evaluation are done: a run with it is skipped.</summary>
    public string MarkerFile => Path.Combine(Folder, SweepMarker.FileName);

    /// <summary>Checkpoints and trained weights (the experiment's run directory): training resumes from here.</summary>
    public string RunDirectory => Path.Combine(Folder, "run");

    /// <summary>The evaluation's outputs (summary.json, predictions/).</summary>
    public string ResultsDirectory => Path.Combine(Folder, "results");

    /// <summary>Seconds per stage of this run (<see cref="Runtime.StageTimings"/>): what later estimates are measured from.</summary>
    public string TimingsFile => Path.Combine(Folder, "timings.json");
}
