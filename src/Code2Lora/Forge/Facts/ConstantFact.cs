namespace Code2Lora.Forge.Facts;

/// <summary>An integer module constant such as <c>ZQ_STATION_PORT = 8431</c>; changes: new value, rename.</summary>
internal sealed class ConstantFact : Fact
{
    private readonly IReadOnlyList<string> _attrs;
    private string _attr;

    public ConstantFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        // Prefer an attribute group whose name is still free, so two constants of one noun read differently.
        var groups = rng.Shuffled(Vocabulary.ConstantAttrs);
        _attrs = groups.FirstOrDefault(g => names.IsFree(names.ConstantCandidate(noun, g[0]))) ?? groups[0];
        _attr = _attrs[0];
        Name = names.Constant(noun, _attr);
        IntValue = _attr.Contains("PORT") ? rng.Int(1024, 9999) : rng.Int(100, 4000);
    }

    public string Name { get; private set; }
    public int IntValue { get; private set; }

    public override string Kind => "constant";
    public override string PrimaryName => Name;
    public override IEnumerable<string> Identifiers => [Name];
    public override IEnumerable<string> Exports => [Name];
    public override string Value => $"{Name} = {IntValue}";
    public override IEnumerable<string> Literals() => [PyLit.Int(IntValue)];
    public override int ProbeCount => 3;

    public override IReadOnlyList<string> Definition() =>
        [$"# {Noun} {_attr.ToLowerInvariant().Replace('_', ' ')} used when the caller gives none", $"{Name} = {IntValue}"];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var v = PyLit.Int(IntValue);
        return probe switch
        {
            0 => new(false, [$"assert {Name} == {v}"], [v], [Name]),
            1 => new(true, [$"self.assertEqual({Name}, {v})"], [v + ")"], [Name]),
            _ => new(false, [$"assert_{Naming.Prefix}_equal({Name}, {v})"], [v + ")"], [Name], UsesHelper: true),
        };
    }

    public override IReadOnlyList<string> Changes => ["value", "value", "rename"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = (0, 0);
        if (change == "rename")
        {
            var old = Name;
            var free = _attrs.Where(a => a != _attr && Naming.IsFree(Naming.ConstantCandidate(Noun, a))).ToList();
            _attr = free.Count > 0 ? rng.Pick(free) : Other(rng, _attrs, _attr);
            Name = Naming.Constant(Noun, _attr);
            return $"Rename {old} to {Name}";
        }
        var before = IntValue;
        IntValue = Nudge(rng, IntValue, 100, 9999);
        return $"{(IntValue > before ? "Raise" : "Lower")} {Name} from {before} to {IntValue}";
    }
}
