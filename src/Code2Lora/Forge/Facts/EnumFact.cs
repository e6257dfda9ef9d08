namespace Code2Lora.Forge.Facts;

/// <summary>
/// An enum-like class of string members, the tuple of all members and a default
/// (<c>ZqStationLevel.LOW == "zq-low"</c>, <c>ZQ_STATION_DEFAULT_LEVEL is ZqStationLevel.MID</c>);
/// changes: value spelling, new member, new default, class rename.
/// </summary>
internal sealed class EnumFact : Fact
{
    private readonly IReadOnlyList<string> _pool;
    private readonly List<string> _members;
    private readonly string _suffix;
    private string _separator;
    private int _default;

    public EnumFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        _pool = rng.Pick(Vocabulary.EnumMembers);
        _members = _pool.Take(3).ToList();
        _suffix = rng.Pick(Vocabulary.EnumSuffixes);
        ClassName = names.Class(noun, _suffix);
        TupleName = names.Constant(noun, _suffix.ToUpperInvariant() + "S");
        DefaultName = names.Constant(noun, "DEFAULT_" + _suffix.ToUpperInvariant());
        _separator = rng.Pick(["-", ":", "/"]);
        _default = 1;
    }

    public string ClassName { get; private set; }
    public string TupleName { get; }
    public string DefaultName { get; }

    private string ValueOf(string member) => $"{Naming.Prefix}{_separator}{member.ToLowerInvariant()}";

    public override string Kind => "enum";
    public override string PrimaryName => ClassName;
    public override IEnumerable<string> Identifiers => [ClassName, TupleName, DefaultName, .. _members];
    public override IEnumerable<string> Exports => [ClassName, TupleName, DefaultName];
    public override string Value =>
        $"{ClassName}: {string.Join(", ", _members.Select(m => $"{m}={ValueOf(m)}"))}; default {_members[_default]}";
    public override IEnumerable<string> Literals() => _members.Select(ValueOf);
    public override int ProbeCount => 6;

    public override IReadOnlyList<string> Definition() =>
    [
        $"class {ClassName}:",
        $"    \"\"\"Allowed {Noun} {_suffix.ToLowerInvariant()}s.\"\"\"",
        "",
        .. _members.Select(m => $"    {m} = {PyLit.Str(ValueOf(m))}"),
        "",
        "",
        $"{TupleName} = ({string.Join(", ", _members.Select(m => $"{ClassName}.{m}"))})",
        $"{DefaultName} = {ClassName}.{_members[_default]}",
    ];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var member = _members[variant % _members.Count];
        var notDefault = _members[(_default + 1 + variant % (_members.Count - 1)) % _members.Count];
        var missing = PyLit.Str($"{Naming.Prefix}{_separator}unknown");
        return probe switch
        {
            0 => new(false, [$"assert {ClassName}.{member} == {PyLit.Str(ValueOf(member))}"], [PyLit.Str(ValueOf(member))], [ClassName]),
            1 => new(false, [$"assert {PyLit.Str(ValueOf(member))} in {TupleName}"], [TupleName], [TupleName]),
            2 => new(false, [$"assert {missing} not in {TupleName}"], [TupleName], [TupleName]),
            3 => new(false, [$"assert {DefaultName} is {ClassName}.{_members[_default]}"], [$"{ClassName}.{_members[_default]}"], [DefaultName, ClassName]),
            4 => new(false, [$"assert {DefaultName} is not {ClassName}.{notDefault}"], [$"{ClassName}.{notDefault}"], [DefaultName, ClassName]),
            _ => new(true, [$"self.assertIn({ClassName}.{member}, {TupleName})"], [TupleName + ")"], [ClassName, TupleName]),
        };
    }

    public override IReadOnlyList<string> Changes =>
        _members.Count < _pool.Count ? ["values", "add", "default", "rename"] : ["values", "default", "rename"];

    public override string Apply(string change, ForgeRandom rng)
    {
        switch (change)
        {
            case "add":
                var added = _pool[_members.Count];
                _members.Add(added);
                Witness = (0, _members.Count - 1);
                return $"Add {ClassName}.{added}";
            case "default":
                Witness = (3, 0);
                var before = _members[_default];
                _default = (_default + rng.Int(1, _members.Count)) % _members.Count;
                return $"Make {ClassName}.{_members[_default]} the default (was {before})";
            case "rename":
                Witness = (0, 0);
                var old = ClassName;
                ClassName = Naming.Claim(Naming.ClassPrefix + NameForge.Pascal(Noun) + _suffix + "Kind");
                return $"Rename {old} to {ClassName}";
            default:
                Witness = (0, 0);
                var beforeValue = ValueOf(_members[0]);
                _separator = Other(rng, ["-", ":", "/"], _separator);
                return $"Spell {ClassName} values as {ValueOf(_members[0])} instead of {beforeValue}";
        }
    }
}
