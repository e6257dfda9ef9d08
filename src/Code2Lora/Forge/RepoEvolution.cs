using Code2Lora.Forge.Facts;

namespace Code2Lora.Forge;

/// <summary>
/// Plays out one repository's history: an initial commit, then growth (new facts and tests), fact changes
/// (renames, new values, signature changes, moves, deprecations, with tests updated in the same commit),
/// extra tests, docs-only and production-only commits. Pure computation; <see cref="GitHistoryWriter"/> writes it.
/// </summary>
internal sealed class RepoEvolution
{
    private readonly ForgeConfig _config;
    private readonly ForgeRandom _rng;
    private readonly ForgeRandom _genericRng;
    private readonly RepoState _state;
    private int _commit;
    private int _testsAdded;
    private List<int>? _genericOrder;

    private RepoEvolution(ForgeConfig config, int repoIndex)
    {
        _config = config;
        _rng = ForgeRandom.For(config.Seed, $"repo/{repoIndex}");
        // Generic literals come from their own stream, so the control's draws never shift the genome's.
        _genericRng = ForgeRandom.For(config.Seed, $"repo/{repoIndex}/generic");
        var naming = NameForge.Draw(_rng);
        var domain = _rng.Pick(Vocabulary.Domains);
        var package = naming.Prefix + domain.Slug;
        var genome = FactFactory.Draw(config.FactsPerRepo, domain, naming, _rng);
        _state = new RepoState($"forge-{repoIndex:D2}-{package}", package, _rng.Chance(0.5), domain, naming, genome,
            GenericTests.DrawItems(_genericRng));
    }

    /// <summary>Simulates repository <paramref name="repoIndex"/> of a forge run.</summary>
    public static ForgedHistory Simulate(ForgeConfig config, int repoIndex)
    {
        config.Validate();
        return new RepoEvolution(config, repoIndex).Run(repoIndex);
    }

    private ForgedHistory Run(int repoIndex)
    {
        var commits = new List<PlannedCommit>(_config.Commits);
        var timeline = new FactTimeline();
        var when = _config.Start;
        for (_commit = 0; _commit < _config.Commits; _commit++)
        {
            if (_commit > 0) when = when.AddSeconds(_rng.Int(20 * 60, 3 * 24 * 3600));
            _testsAdded = 0;
            var (kind, message, factId, change) = _commit == 0 ? Initial() : Step();
            TopUpGeneric();
            var files = ProjectFilesRenderer.Render(_state);
            timeline.Record(_commit, _state.Live);
            commits.Add(new PlannedCommit(_commit, when, kind, message, factId, change, _testsAdded, files, CurrentAssertions()));
        }
        return new ForgedHistory(_state.RepoId, repoIndex, _state.Package, _state.SrcLayout, _state.Naming.Prefix,
            _state.Domain.Topic, commits, timeline.Build());
    }

    private (string Kind, string Message, string? FactId, string? Change) Initial()
    {
        var first = new List<Fact>();
        for (int i = 0; i < Math.Min(3, _config.FactsPerRepo); i++) first.Add(Introduce());
        return ("initial", $"Initial commit: {_state.Package} with {string.Join(", ", first.Select(f => f.PrimaryName))}", null, null);
    }

    private (string, string, string?, string?) Step()
    {
        if (_state.Live.Count > 0 && _rng.Chance(_config.ChangeRate)) return Change();
        int remaining = _config.Commits - _commit;
        double introduce = Math.Min(0.9, 1.6 * _state.Pending.Count / remaining);
        if (_state.Pending.Count > 0 && (_state.Live.Count == 0 || _rng.Chance(introduce)))
        {
            var fact = Introduce();
            return ("growth", $"Add {fact.PrimaryName} to {_state.Package}.{fact.Module}", fact.Id, null);
        }
        double roll = _rng.Double();
        if (roll < 0.45 && _state.Live.Count > 0) return MoreTests();
        if (roll < 0.7) return Docs();
        return Production();
    }

    private Fact Introduce()
    {
        var fact = _state.Pending.Dequeue();
        fact.Module = FactFactory.HomeModule(fact);
        fact.TestFile = $"tests/test_{fact.Module}.py";
        _state.EnsureModule(fact.Module);
        _state.Live.Add(fact);
        foreach (var probe in fact.IntroProbes(_rng)) AddTest(fact, probe);
        return fact;
    }

    private void AddTest(Fact fact, int probe, int? variant = null)
    {
        var name = $"test_{fact.Id}_{++_state.TestSerial}";
        _state.Tests.Add(new TestSpec(fact.TestFile, name, fact, probe, variant ?? _rng.Int(0, Fact.Variants), null, _commit));
        _testsAdded++;
    }

    /// <summary>Adds generic tests until they make up the configured share of assertions.</summary>
    private void TopUpGeneric()
    {
        if (_config.GenericTaskShare <= 0 || _state.Tests.Count == 0) return;
        int specific = _state.Tests.Where(t => t.Fact is not null).Sum(t => t.Render().Targets.Count);
        int generic = _state.Tests.Where(t => t.Fact is null).Sum(t => t.Render().Targets.Count);
        var files = _state.Tests.Select(t => t.File).Distinct().ToList();
        while (generic < _config.GenericTaskShare / (1 - _config.GenericTaskShare) * specific)
        {
            var file = _rng.Pick(files);
            // Round-robin over the shapes (in a per-repository order) so every assertion family of the control shows up;
            // each test draws fresh literals, so its target is this repository's own.
            _genericOrder ??= _genericRng.Shuffled(Enumerable.Range(0, GenericTests.Shapes));
            int shape = _genericOrder[_state.Tests.Count(t => t.Fact is null) % GenericTests.Shapes];
            var drawn = GenericTests.Draw(shape, _genericRng, _state.GenericItems);
            var name = $"test_{drawn.Name}_{++_state.TestSerial}";
            _state.Tests.Add(new TestSpec(file, name, null, -1, 0, drawn.Body, _commit));
            _testsAdded++;
            generic += drawn.Body.Targets.Count;
        }
    }

    private (string, string, string?, string?) Change()
    {
        var fact = _rng.Pick(_state.Live);
        // Moves are rarer than in-place changes in real projects.
        var change = _rng.Chance(0.12) ? "move" : _rng.Pick(fact.Changes);
        string message = change == "move" ? Move(fact) : fact.Apply(change, _rng);
        _state.Changelog.Add(message);
        // The commit also adds the test a maintainer would write with the change: one whose assertion depends on
        // what changed (for a deprecation, one pinning the old name), so the code before the change fails it.
        var (probe, variant) = change == "move" ? (_rng.Int(0, fact.ProbeCount), _rng.Int(0, Fact.Variants)) : fact.Witness;
        var lines = string.Join('\n', fact.Probe(probe, variant).Lines);
        bool alreadyPinned = _state.Tests.Any(t => t.Fact == fact && string.Join('\n', t.Render().Lines) == lines);
        if (!alreadyPinned) AddTest(fact, probe, variant);
        return ("change", message, fact.Id, change);
    }

    private string Move(Fact fact)
    {
        var old = fact.Module;
        var targets = _state.Modules.Concat(["core", "common", $"{fact.Noun}_tools"]).Distinct().Where(m => m != old).ToList();
        var target = _rng.Pick(targets);
        _state.EnsureModule(target);
        fact.Module = target;
        return $"Move {fact.PrimaryName} from {_state.PackageDir}/{old}.py to {_state.PackageDir}/{target}.py";
    }

    private (string, string, string?, string?) MoreTests()
    {
        // Only tests that differ from the fact's existing ones: duplicated bodies would add no task.
        var withFresh = _state.Live.Select(f => (Fact: f, Fresh: FreshProbes(f))).Where(x => x.Fresh.Count > 0).ToList();
        if (withFresh.Count == 0) return Docs();
        var (fact, fresh) = _rng.Pick(withFresh);
        int count = Math.Min(fresh.Count, _rng.Chance(0.4) ? 2 : 1);
        foreach (var (probe, variant) in _rng.Shuffled(fresh).Take(count)) AddTest(fact, probe, variant);
        return ("tests", $"Add tests for {fact.PrimaryName}", fact.Id, null);
    }

    private List<(int Probe, int Variant)> FreshProbes(Fact fact)
    {
        var existing = _state.Tests.Where(t => t.Fact == fact).Select(t => string.Join('\n', t.Render().Lines)).ToHashSet(StringComparer.Ordinal);
        var fresh = new List<(int, int)>();
        for (int probe = 0; probe < fact.AvailableProbes; probe++)
            for (int variant = 0; variant < Fact.Variants; variant++)
                if (existing.Add(string.Join('\n', fact.Probe(probe, variant).Lines))) fresh.Add((probe, variant));
        return fresh;
    }

    private (string, string, string?, string?) Docs()
    {
        if (_state.Live.Count == 0)
        {
            _state.DocRevisions[_state.Modules[0]]++;
            return ("production", $"Expand the {_state.Modules[0]} module docstring", null, null);
        }
        var fact = _rng.Pick(_state.Live);
        _state.GuideParagraphs.Add((fact, _rng.Int(0, 3)));
        return ("docs", $"Docs: describe {fact.PrimaryName} in the guide", fact.Id, null);
    }

    private static readonly (string Verb, string Doc, string Body)[] InternalShapes =
    [
        ("tidy", "Collapse runs of whitespace in a {0} name.", "return \" \".join(text.split())"),
        ("squash", "Lower-case a {0} name and drop spaces.", "return text.replace(\" \", \"\").lower()"),
        ("key", "Sort key for {0} names.", "return (len(text), text)"),
        ("strip", "Remove surrounding punctuation from a {0} name.", "return text.strip(\" .,;:\")"),
    ];

    private (string, string, string?, string?) Production()
    {
        var module = _rng.Pick(_state.Modules);
        if (_rng.Chance(0.4))
        {
            _state.DocRevisions[module]++;
            return ("production", $"Expand the {module} module docstring", null, null);
        }
        var (verb, doc, body) = _rng.Pick(InternalShapes);
        var noun = _rng.Pick(_state.Domain.Nouns);
        var name = _state.Naming.Claim($"_{_state.Naming.Prefix}_{verb}_{noun}");
        _state.InternalHelpers[module].Add((name,
        [
            $"def {name}(text):",
            $"    \"\"\"{string.Format(System.Globalization.CultureInfo.InvariantCulture, doc, noun)}\"\"\"",
            $"    {body}",
        ]));
        return ("production", $"Add internal helper {name} to {module}", null, null);
    }

    private List<ForgedAssertion> CurrentAssertions() =>
        _state.Tests.SelectMany(t => t.Render().Targets.Select(target => new ForgedAssertion(t.File, t.Name, target, t.Fact?.Id))).ToList();
}
