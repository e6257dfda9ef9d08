namespace Code2Lora.Forge.Facts;

/// <summary>
/// A label formatter such as <c>zq_format_station("north gate") == "ZQ_NORTH_GATE"</c>;
/// changes: new tag/separator/case, rename, deprecating rename.
/// </summary>
internal sealed class FormatterFact : Fact
{
    private string _verb;
    private string _tag;
    private string _separator;
    private bool _upper;

    public FormatterFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        _verb = Vocabulary.FormatVerbs[0];
        FunctionName = names.Function(_verb, noun);
        _tag = rng.Chance(0.5) ? names.Prefix : names.Prefix + noun[..Math.Min(3, noun.Length)];
        _separator = rng.Pick(Vocabulary.FormatSeparators);
        _upper = rng.Chance(0.6);
    }

    public string FunctionName { get; private set; }

    public override string Kind => "formatter";
    public override string PrimaryName => FunctionName;
    public override IEnumerable<string> Identifiers => [FunctionName, .. Aliases];
    public override IEnumerable<string> Exports => [FunctionName, .. Aliases];
    public override string Value => $"{FunctionName}(\"north gate\") == {PyLit.Str(Format("north gate"))}";
    public override IEnumerable<string> Literals() => [Format("north gate")];
    public override int ProbeCount => 4;

    /// <summary>What the Python function returns for <paramref name="value"/> (the C# mirror of its body).</summary>
    public string Format(string value)
    {
        var joined = _tag + _separator + value.Trim().Replace(" ", _separator);
        return _upper ? joined.ToUpperInvariant() : joined.ToLowerInvariant();
    }

    public override IReadOnlyList<string> Definition() =>
    [
        $"def {FunctionName}(value):",
        $"    \"\"\"Return the canonical label for a {Noun} name.\"\"\"",
        $"    return {PyLit.Str(Format(""))} + value.strip().replace(\" \", {PyLit.Str(_separator)}).{(_upper ? "upper" : "lower")}()",
        .. WarningAliases(FunctionName),
    ];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var word = Vocabulary.SampleWords[variant];
        var call = $"{FunctionName}({PyLit.Str(word)})";
        var expected = PyLit.Str(Format(word));
        return probe switch
        {
            0 => new(false, [$"assert {call} == {expected}"], [expected], [FunctionName]),
            1 => new(true, [$"self.assertEqual({call}, {expected})"], [expected + ")"], [FunctionName]),
            2 => new(false, [$"assert_{Naming.Prefix}_equal({call}, {expected})"], [expected + ")"], [FunctionName], UsesHelper: true),
            _ => OtherWordProbe(word, variant),
        };
    }

    private TestBody OtherWordProbe(string word, int variant)
    {
        var other = Vocabulary.SampleWords[(variant + 1) % Variants];
        var target = $"{FunctionName}({PyLit.Str(other)})";
        return new(false, [$"assert {FunctionName}({PyLit.Str(word)}) != {target}"], [target], [FunctionName]);
    }

    protected override TestBody AliasProbe(string alias, int variant)
    {
        var word = Vocabulary.SampleWords[variant];
        var expected = PyLit.Str(Format(word));
        return new(true,
        [
            "with self.assertWarns(DeprecationWarning):",
            $"    self.assertEqual({alias}({PyLit.Str(word)}), {expected})",
        ], [expected + ")"], [alias]);
    }

    public override IReadOnlyList<string> Changes => ["style", "style", "rename", "deprecate"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = (0, 0);
        if (change is "rename" or "deprecate")
        {
            var old = FunctionName;
            _verb = Other(rng, Vocabulary.FormatVerbs, _verb);
            FunctionName = Naming.Function(_verb, Noun);
            return Renamed(change, old, FunctionName);
        }
        var before = Format("north gate");
        switch (rng.Int(0, 3))
        {
            case 0: _separator = Other(rng, Vocabulary.FormatSeparators, _separator); break;
            case 1: _upper = !_upper; break;
            default: _tag = _tag == Naming.Prefix ? Naming.Prefix + Noun[..Math.Min(3, Noun.Length)] : Naming.Prefix; break;
        }
        return $"Change {FunctionName} labels from {before} to {Format("north gate")}";
    }
}
