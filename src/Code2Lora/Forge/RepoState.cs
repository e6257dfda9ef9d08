using Code2Lora.Forge.Facts;

namespace Code2Lora.Forge;

/// <summary>A test of the repository: which fact probe (or generic test, drawn once) it renders, where, and since when.</summary>
internal sealed record TestSpec(string File, string Name, Fact? Fact, int Probe, int Variant, TestBody? Generic, int AddedAt)
{
    public TestBody Render() => Fact is null ? Generic! : Fact.Probe(Probe, Variant);
}

/// <summary>
/// Everything a generated repository is at one moment: its genome, the facts introduced so far, modules,
/// internal helpers, tests and docs. Files are always rendered from this state, so code and tests never disagree.
/// </summary>
internal sealed class RepoState
{
    public RepoState(string repoId, string package, bool srcLayout, Vocabulary.Domain domain, NameForge naming, List<Fact> genome,
        IReadOnlyList<int> genericItems)
    {
        GenericItems = genericItems;
        RepoId = repoId;
        Package = package;
        SrcLayout = srcLayout;
        Domain = domain;
        Naming = naming;
        Pending = new Queue<Fact>(genome);
        Genome = genome;
    }

    public string RepoId { get; }
    public string Package { get; }
    public bool SrcLayout { get; }
    public Vocabulary.Domain Domain { get; }
    public NameForge Naming { get; }
    public IReadOnlyList<Fact> Genome { get; }

    /// <summary>The generic TestCase's <c>self.items</c>, drawn per repository like every generic literal.</summary>
    public IReadOnlyList<int> GenericItems { get; }

    /// <summary>Facts not yet written into the code, in the order they will appear.</summary>
    public Queue<Fact> Pending { get; }

    /// <summary>Facts in the code now, in order of appearance.</summary>
    public List<Fact> Live { get; } = [];

    /// <summary>Modules in order of creation (names without .py).</summary>
    public List<string> Modules { get; } = [];

    /// <summary>Docstring revisions per module (production-only commits edit them).</summary>
    public Dictionary<string, int> DocRevisions { get; } = new(StringComparer.Ordinal);

    /// <summary>Private helpers per module: (name, body lines), added by production-only commits.</summary>
    public Dictionary<string, List<(string Name, string[] Lines)>> InternalHelpers { get; } = new(StringComparer.Ordinal);

    public List<TestSpec> Tests { get; } = [];
    /// <summary>Guide paragraphs: a fact and a template, rendered with the fact's current values (docs follow the code).</summary>
    public List<(Fact Fact, int Template)> GuideParagraphs { get; } = [];
    public List<string> Changelog { get; } = [];
    public int TestSerial { get; set; }

    /// <summary>Path of the package directory inside the repository.</summary>
    public string PackageDir => SrcLayout ? $"src/{Package}" : Package;

    /// <summary>Path a test file uses to reach the package's parent directory.</summary>
    public string TestPathToRoot => SrcLayout ? "\"..\", \"src\"" : "\"..\"";

    public void EnsureModule(string module)
    {
        if (Modules.Contains(module)) return;
        Modules.Add(module);
        DocRevisions[module] = 0;
        InternalHelpers[module] = [];
    }

    /// <summary>The live fact that exports <paramref name="name"/>.</summary>
    public Fact Owner(string name) =>
        Live.FirstOrDefault(f => f.Exports.Contains(name))
        ?? throw new InvalidOperationException($"{RepoId}: no live fact exports '{name}'");
}
