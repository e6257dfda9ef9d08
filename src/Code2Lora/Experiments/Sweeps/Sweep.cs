using System.Text.Json.Nodes;
using Code2Lora.Config;
using Code2Lora.Runtime;

namespace Code2Lora.Experiments.Sweeps;

/// <summary>Sweeps any config key: <see cref="Plan"/> resolves every grid point × seed into its own config and run folder (keyed by
/// the config's hash), <see cref="Estimate"/> says what it will cost, and <see cref="RunAsync"/> trains and evaluates what is not done
/// yet, then writes one table and one figure. <c>c2l sweep</c> is a thin wrapper; a notebook cell calls the same three.</summary>
public static class Sweep
{
    /// <summary>Resolves a sweep: checks every grid key and value against the config (an error names the key and the config file),
    /// and gives each point × seed its resolved config and run folder.</summary>
    /// <param name="kind">static or evo.</param>
    /// <param name="config">A preset name or config file of that kind.</param>
    /// <param name="grid"><c>key=v1,v2,…</c> texts, one per axis (a key is exactly a <c>--set</c> path).</param>
    /// <param name="seeds">Seeds per point (≥ 1): the config's seed and the next <paramref name="seeds"/> − 1.</param>
    /// <param name="methods">Methods to train (default <see cref="SweepMethods.Default"/>).</param>
    /// <param name="outDir">The table's folder (default results/sweeps/&lt;config name&gt;/&lt;grid keys&gt;).</param>
    /// <param name="runsRoot">The run folders' root (default data/work/sweeps).</param>
    /// <param name="overrides"><c>--set</c> overrides applied to every point, the default point included.</param>
    public static SweepPlan Plan(string kind, string config, IEnumerable<string> grid, int seeds = 1, IEnumerable<string>? methods = null,
        string? outDir = null, string? runsRoot = null, IEnumerable<string>? overrides = null)
    {
        if (!SweepMethods.Known.TryGetValue(kind, out var known))
            throw new ConfigException("--kind", "", $"'{kind}' cannot be swept", $"sweep a {string.Join(" or ", SweepMethods.Known.Keys)} config");
        if (seeds < 1) throw new ConfigException("--seeds", "", $"{seeds} is not a seed count", "give 1 or more");
        var chosen = (methods ?? SweepMethods.Default[kind]).Select(m => m.Trim()).Where(m => m.Length > 0).Distinct().ToList();
        if (chosen.Count == 0) throw new ConfigException("--methods", "", "names no method", $"choose from {string.Join(", ", known)}");
        if (chosen.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
            throw new ConfigException("--methods", "", $"'{unknown}' is not a {kind} method", $"choose from {string.Join(", ", known)}");
        chosen = known.Where(chosen.Contains).ToList();                    // training order
        var sets = (overrides ?? []).ToList();
        var plain = ConfigFiles.LoadBoxed(kind, config, sets);
        var axes = grid.Select(SweepAxis.Parse).ToList();
        if (axes.GroupBy(a => a.Key).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ConfigException(plain.Source, $"--grid {twice.Key}", "is given twice", "list all its values in one --grid key=v1,v2");
        if (axes.FirstOrDefault(a => a.Key == "seed") is not null)
            throw new ConfigException(plain.Source, "--grid seed", "seeds are not a grid axis", "use --seeds N (every point runs with the same seeds)");
        if (axes.FirstOrDefault(a => a.Key is "name" or "device") is { } idle)
            throw new ConfigException(plain.Source, $"--grid {idle.Key}", "does not change a run's numbers", "sweep a key that does");
        // Each value alone first, so an error names the one bad key or value.
        foreach (var axis in axes)
            for (int i = 0; i < axis.Values.Count; i++) Load(kind, config, plain.Source, [.. sets, axis.Override(i)], axis.Key);

        var baseSeed = JsonNode.Parse(plain.Json)!["seed"]?.GetValue<int>() ?? throw new ConfigException(plain.Source, "seed", "is missing", "a swept config needs a seed key");
        var seedList = Enumerable.Range(0, seeds).Select(i => baseSeed + i).ToList();
        var root = Path.GetFullPath(runsRoot ?? Path.Combine(RepoPaths.Work, "sweeps"));
        var plainIdentity = ConfigFiles.IdentitySha256(plain.Json);
        var points = new List<SweepPoint>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var combo in Product(axes))
        {
            var label = combo.Count == 0 ? "default" : string.Join(", ", combo);
            var loaded = Load(kind, config, plain.Source, [.. sets, .. combo], label);
            var identity = ConfigFiles.IdentitySha256(loaded.Json);
            if (seen.TryGetValue(identity, out var earlier))
                throw new ConfigException(plain.Source, $"--grid {label}", $"resolves to the same config as {earlier}", "drop one of the two values");
            seen[identity] = label;
            var isDefault = identity == plainIdentity;
            points.Add(new SweepPoint(isDefault && combo.Count > 0 ? $"{label} (default)" : label, combo, isDefault, Runs(kind, config, plain.Source, [.. sets, .. combo], label, seedList, root)));
        }
        if (!points.Any(p => p.IsDefault)) points.Insert(0, new SweepPoint("default", [], true, Runs(kind, config, plain.Source, sets, "default", seedList, root)));
        else points = [.. points.Where(p => p.IsDefault), .. points.Where(p => !p.IsDefault)];
        var name = JsonNode.Parse(plain.Json)!["name"]!.GetValue<string>();
        var output = Path.GetFullPath(outDir ?? Path.Combine(RepoPaths.Results, "sweeps", name, axes.Count == 0 ? "seeds" : string.Join("+", axes.Select(a => a.Key))));
        return new SweepPlan(kind, config, plain.Source, sets, axes, seedList, chosen, root, output, points);
    }

    /// <summary>The CPU time the plan's unfinished runs will take, and how that was estimated.</summary>
    /// <param name="plan">The sweep.</param>
    /// <param name="secondsPerRun">A configured cost per run, used instead of any measurement.</param>
    public static SweepEstimate Estimate(SweepPlan plan, double? secondsPerRun = null) => SweepEstimate.Of(plan, secondsPerRun);

    /// <summary>Runs every unfinished point × seed in its folder (finished ones are skipped; a half-done one resumes its trainings from
    /// their checkpoints), then writes sweep.json, sweep.md and the figure into <see cref="SweepPlan.OutDir"/> and returns the table.</summary>
    /// <param name="plan">The sweep (<see cref="Plan"/>).</param>
    /// <param name="runner">Trains and evaluates one run (default: the kind's own runner over the library's experiment calls).</param>
    /// <param name="command">The command line, for provenance.</param>
    /// <param name="note">Receives one line per stage ("[3/8] lora.rank=4 seed 3408: train static").</param>
    /// <param name="cancel">Stops after the current training step checkpoints; running the sweep again resumes.</param>
    public static async Task<SweepTable> RunAsync(SweepPlan plan, ISweepRunner? runner = null, string? command = null, Action<string>? note = null,
        CancellationToken cancel = default)
    {
        runner ??= DefaultRunner(plan.Kind);
        command ??= $"Sweep.RunAsync({plan.Config})";
        var runs = plan.Runs.ToList();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var prefix = $"[{i + 1}/{runs.Count}] {run.Point} seed {run.Seed}";
            if (SweepMarker.Read(run)?.Covers(plan.Methods) == true)
            {
                note?.Invoke($"{prefix}: finished earlier, skipped ({run.Folder})");
                continue;
            }
            cancel.ThrowIfCancellationRequested();
            Directory.CreateDirectory(run.Folder);
            run.Config.Save(run.Folder);
            RunConfigs.Record(run.Config.Stamp);
            var timings = new StageTimings(run.TimingsFile, command, record: true);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var results = await runner.RunAsync(run, plan.Methods, timings, command, line => note?.Invoke($"{prefix}: {line}"), cancel);
            new SweepMarker(plan.Kind, run.Key, run.Seed, results, Math.Round(clock.Elapsed.TotalSeconds, 1),
                JsonNode.Parse(run.Config.Json)!.AsObject(), Provenance.Capture(command)).Write(run);
            note?.Invoke($"{prefix}: done in {clock.Elapsed.TotalSeconds:F0} s");
        }
        RunConfigs.Record(plan.Default.Runs[0].Config.Stamp);                   // the table's provenance names the config the points start from
        var table = await SweepTable.BuildAsync(plan, command);
        SweepTable.Write(table, plan.OutDir);
        return table;
    }

    /// <summary>The runner of a config kind.</summary>
    public static ISweepRunner DefaultRunner(string kind) => kind switch
    {
        "static" => new StaticSweepRunner(),
        "evo" => new EvoSweepRunner(),
        _ => throw new ArgumentException($"no sweep runner for '{kind}'."),
    };

    private static IReadOnlyList<SweepRun> Runs(string kind, string config, string source, IReadOnlyList<string> sets, string label, IReadOnlyList<int> seeds, string root) =>
        seeds.Select(seed =>
        {
            var loaded = Load(kind, config, source, [.. sets, $"seed={seed}"], label);
            var key = ConfigFiles.IdentitySha256(loaded.Json)[..12];
            return new SweepRun(label, seed, key, Path.Combine(root, $"{kind}-{key}"), loaded);
        }).ToList();

    /// <summary>Loads the config with overrides; an override's error is re-said naming the config file and the grid key.</summary>
    private static LoadedConfig<object> Load(string kind, string config, string source, IReadOnlyList<string> sets, string what)
    {
        try { return ConfigFiles.LoadBoxed(kind, config, sets); }
        catch (ConfigException e) when (e.Origin == ConfigOverride.Source || e.Origin.EndsWith(" with " + ConfigOverride.Source, StringComparison.Ordinal))
        {
            // An override's key and value errors come from "--set"; range checks of the result from "<file> with --set".
            var prefix = $"{e.Origin}: {(e.Key.Length == 0 ? "" : e.Key + ": ")}";
            var rest = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            int semi = rest.IndexOf("; ", StringComparison.Ordinal);
            var (problem, fix) = semi < 0 ? (rest, "fix the grid") : (rest[..semi], rest[(semi + 2)..]);
            var ranged = e.Origin != ConfigOverride.Source;
            throw new ConfigException(source, $"--grid {(ranged || e.Key.Length == 0 ? what : e.Key)}",
                ranged && e.Key.Length > 0 && e.Key != what ? $"{e.Key}: {problem}" : problem, fix);
        }
    }

    private static IEnumerable<IReadOnlyList<string>> Product(IReadOnlyList<SweepAxis> axes)
    {
        IEnumerable<IReadOnlyList<string>> combos = [[]];
        foreach (var axis in axes)
            combos = combos.SelectMany(c => Enumerable.Range(0, axis.Values.Count).Select(i => (IReadOnlyList<string>)[.. c, axis.Override(i)])).ToList();
        return combos;
    }
}
