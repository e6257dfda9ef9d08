namespace Code2Lora.Experiments.Sweeps;

/// <summary>What a sweep will do: the config it starts from, the grid, the seeds and methods, and every point with its runs and folders.</summary>
/// <param name="Kind">static or evo.</param>
/// <param name="Config">The preset name or config file the points start from.</param>
/// <param name="Source">That config as the loader names it (a path relative to the checkout, or configs/&lt;kind&gt;/&lt;name&gt;.json).</param>
/// <param name="BaseOverrides"><c>--set</c> overrides every point shares (part of the default point).</param>
/// <param name="Axes">The grid, one axis per <c>--grid</c>.</param>
/// <param name="Seeds">The seeds every point runs with: the config's seed, then the next ones.</param>
/// <param name="Methods">The methods each run trains and scores.</param>
/// <param name="RunsRoot">Where run folders live (shared by sweeps: a point two grids share is trained once).</param>
/// <param name="OutDir">Where the sweep's table (sweep.md, sweep.json) and figure go.</param>
/// <param name="Points">The default point first, then the grid's points in grid order.</param>
public sealed record SweepPlan(string Kind, string Config, string Source, IReadOnlyList<string> BaseOverrides, IReadOnlyList<SweepAxis> Axes,
    IReadOnlyList<int> Seeds, IReadOnlyList<string> Methods, string RunsRoot, string OutDir, IReadOnlyList<SweepPoint> Points)
{
    /// <summary>The point with the config's unmodified values, which every other point is compared with.</summary>
    public SweepPoint Default => Points.Single(p => p.IsDefault);

    /// <summary>Every run (point × seed), in the order they run.</summary>
    public IEnumerable<SweepRun> Runs => Points.SelectMany(p => p.Runs);

    /// <summary>The runs whose folder holds a finished marker covering <see cref="Methods"/>.</summary>
    public IReadOnlyList<SweepRun> Finished => Runs.Where(r => SweepMarker.Read(r)?.Covers(Methods) == true).ToList();
}
