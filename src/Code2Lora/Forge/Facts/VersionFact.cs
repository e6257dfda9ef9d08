namespace Code2Lora.Forge.Facts;

/// <summary>A version string such as <c>ZQ_STATION_SCHEMA = "2.4.1"</c>; changes: version bumps.</summary>
internal sealed class VersionFact : Fact
{
    private int _major, _minor, _patch;

    public VersionFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        Name = names.Constant(noun, rng.Pick(["SCHEMA", "PROTOCOL", "FORMAT_VERSION"]));
        (_major, _minor, _patch) = (rng.Int(1, 5), rng.Int(0, 13), rng.Int(0, 10));
    }

    public string Name { get; }
    private string Version => $"{_major}.{_minor}.{_patch}";

    public override string Kind => "version";
    public override string PrimaryName => Name;
    public override IEnumerable<string> Identifiers => [Name];
    public override IEnumerable<string> Exports => [Name];
    public override string Value => $"{Name} = \"{Version}\"";
    public override IEnumerable<string> Literals() => [Version];
    public override int ProbeCount => 3;

    public override IReadOnlyList<string> Definition() =>
        [$"# {Noun} {(Name.EndsWith("VERSION") ? "format version" : Name.Split('_')[^1].ToLowerInvariant())} written into every saved file", $"{Name} = {PyLit.Str(Version)}"];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var v = PyLit.Str(Version);
        var series = PyLit.Str($"{_major}.{_minor}");
        return probe switch
        {
            0 => new(false, [$"assert {Name} == {v}"], [v], [Name]),
            1 => new(true, [$"self.assertEqual({Name}, {v})"], [v + ")"], [Name]),
            _ => new(false, [$"assert {Name}.rpartition(\".\")[0] == {series}"], [series], [Name]),
        };
    }

    public override IReadOnlyList<string> Changes => ["bump"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = (0, 0);
        var old = Version;
        var roll = rng.Double();
        if (roll < 0.5) _patch++;
        else if (roll < 0.85) (_minor, _patch) = (_minor + 1, 0);
        else (_major, _minor, _patch) = (_major + 1, 0, 0);
        return $"Bump {Name} from {old} to {Version}";
    }
}
