namespace Code2Lora.Forge.Facts;

/// <summary>
/// One repository-specific fact of a genome (a constant, a helper and its signature, a class, an exception...):
/// the production code that states it, the tests that assert on it, and the ways a real project changes it.
/// </summary>
internal abstract class Fact
{
    /// <summary>Number of input variants a probe accepts (test cases differ by variant).</summary>
    public const int Variants = 6;

    protected Fact(string id, string noun, NameForge names)
    {
        Id = id;
        Noun = noun;
        Naming = names;
    }

    /// <summary>Stable id, unchanged by renames (used for test names and the manifest).</summary>
    public string Id { get; }

    /// <summary>Domain noun the fact is about.</summary>
    public string Noun { get; }

    protected NameForge Naming { get; }

    /// <summary>Module (dotted path inside the package) that currently defines the fact.</summary>
    public string Module { get; set; } = "";

    /// <summary>Test file (path in the repository) that holds the fact's tests; fixed when the fact appears.</summary>
    public string TestFile { get; set; } = "";

    /// <summary>Old function names kept as deprecated wrappers (or aliases) after a rename.</summary>
    protected List<string> Aliases { get; } = [];

    public abstract string Kind { get; }

    /// <summary>The name a commit message or README uses for the fact.</summary>
    public abstract string PrimaryName { get; }

    /// <summary>Every identifier the fact owns now (definitions, members, parameters, aliases).</summary>
    public abstract IEnumerable<string> Identifiers { get; }

    /// <summary>Names a module exports for this fact (re-exported by the package and importable by tests).</summary>
    public abstract IEnumerable<string> Exports { get; }

    /// <summary>A canonical, human-readable statement of the fact's current value.</summary>
    public abstract string Value { get; }

    /// <summary>Module-level source lines that define the fact.</summary>
    public abstract IReadOnlyList<string> Definition();

    /// <summary>True when the definition needs <c>import warnings</c>.</summary>
    public bool NeedsWarnings => Aliases.Count > 0 && AliasesWarn;

    protected virtual bool AliasesWarn => true;

    /// <summary>Literal values the fact states, beyond those its test targets show.</summary>
    public abstract IEnumerable<string> Literals();

    /// <summary>How many distinct probes (assertion templates) the fact offers, not counting alias probes.</summary>
    public abstract int ProbeCount { get; }

    /// <summary>Probes available now: the base probes plus one per deprecated alias.</summary>
    public int AvailableProbes => ProbeCount + Aliases.Count;

    /// <summary>Renders probe <paramref name="probe"/> with input <paramref name="variant"/> against the current state.</summary>
    public TestBody Probe(int probe, int variant) =>
        probe < ProbeCount ? BaseProbe(probe, variant % Variants) : AliasProbe(Aliases[probe - ProbeCount], variant % Variants);

    protected abstract TestBody BaseProbe(int probe, int variant);

    protected virtual TestBody AliasProbe(string alias, int variant) =>
        throw new InvalidOperationException($"fact {Id} has no alias probes");

    /// <summary>The probes of a fact's first tests: a pytest-style one and a unittest one where the fact has both.</summary>
    public virtual IReadOnlyList<int> IntroProbes(ForgeRandom rng)
    {
        var order = rng.Shuffled(Enumerable.Range(0, ProbeCount));
        var first = order[0];
        var second = order.Skip(1).FirstOrDefault(p => BaseProbe(p, 0).InClass != BaseProbe(first, 0).InClass, order[1 % order.Count]);
        return first == second ? [first] : [first, second];
    }

    /// <summary>Lines of the unittest <c>setUp</c> for this fact's TestCase class.</summary>
    public virtual IReadOnlyList<string> SetUp() => [$"self.sample = {PyLit.Str(Vocabulary.SampleWords[0])}"];

    /// <summary>Fact names the <c>setUp</c> uses.</summary>
    public virtual IReadOnlyList<string> SetUpNames => [];

    /// <summary>Name and body of the pytest fixture this fact's function tests may take.</summary>
    public virtual (string Name, string Body)? Fixture => null;

    /// <summary>Change kinds that apply now (moves are handled by the evolution, not the fact).</summary>
    public abstract IReadOnlyList<string> Changes { get; }

    /// <summary>Applies a change, sets <see cref="Witness"/>, and returns the commit message describing it.</summary>
    public abstract string Apply(string change, ForgeRandom rng);

    /// <summary>
    /// A probe (and input variant) whose assertion depends on what the last change altered: the test a real
    /// maintainer would add with the change, and one that fails against the code from before it.
    /// </summary>
    public (int Probe, int Variant) Witness { get; protected set; }

    /// <summary>The probe that pins the newest deprecated alias.</summary>
    protected (int Probe, int Variant) NewestAliasProbe => (ProbeCount + Aliases.Count - 1, 0);

    /// <summary>TestCase class name (stable across renames, as real projects rarely rename test classes).</summary>
    public string TestClassName => "Test" + NameForge.Pascal(Id);

    /// <summary>
    /// Records a function rename: for "deprecate" the old name stays as an alias (and its probe becomes the witness),
    /// for "rename" it is simply gone. Returns the commit message.
    /// </summary>
    protected string Renamed(string change, string oldName, string newName)
    {
        if (change != "deprecate") return $"Rename {oldName} to {newName}";
        Aliases.Add(oldName);
        Witness = NewestAliasProbe;
        return $"Rename {oldName} to {newName}; keep {oldName} as a deprecated alias";
    }

    /// <summary>Draws a name from <paramref name="pool"/> different from <paramref name="current"/>.</summary>
    protected static string Other(ForgeRandom rng, IReadOnlyList<string> pool, string current)
    {
        var options = pool.Where(p => p != current).ToList();
        return options.Count == 0 ? current : rng.Pick(options);
    }

    /// <summary>A new integer near <paramref name="old"/> (never equal), kept within [lo, hi].</summary>
    protected static int Nudge(ForgeRandom rng, int old, int lo, int hi)
    {
        for (int attempt = 0; ; attempt++)
        {
            int step = rng.Int(1, Math.Max(2, old / 4));
            int v = rng.Chance(0.5) ? old + step : old - step;
            if (v >= lo && v <= hi && v != old) return v;
            if (attempt > 20) return old + 1 <= hi ? old + 1 : old - 1;
        }
    }

    /// <summary>Definition lines of the deprecated wrappers that keep old function names working.</summary>
    protected IEnumerable<string> WarningAliases(string current)
    {
        foreach (var alias in Aliases)
        {
            yield return "";
            yield return "";
            yield return $"def {alias}(*args, **kwargs):";
            yield return $"    \"\"\"Deprecated alias of {current}.\"\"\"";
            yield return $"    warnings.warn({PyLit.Str($"{alias} is deprecated; use {current}")}, DeprecationWarning, stacklevel=2)";
            yield return $"    return {current}(*args, **kwargs)";
        }
    }
}
