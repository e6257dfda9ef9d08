namespace Code2Lora.Forge.Facts;

/// <summary>
/// A float constant and the function that applies it (<c>ZQ_STATION_DECAY = 0.4375</c>, <c>zq_decay_station(x)</c>);
/// changes: new value, function rename, deprecating rename.
/// </summary>
internal sealed class RatioFact : Fact
{
    // Odd sixteenths are exact in binary, so repr() and the asserted products print exactly.
    private static readonly int[] Sixteenths = [3, 5, 7, 9, 11, 13, 15];
    private string _verb;
    private int _sixteenths;

    public RatioFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        ConstName = names.Constant(noun, rng.Pick(["DECAY", "DAMPING", "FALLOFF"]));
        _verb = Vocabulary.DecayVerbs[0];
        FunctionName = names.Function(_verb, noun);
        _sixteenths = rng.Pick(Sixteenths);
    }

    public string ConstName { get; }
    public string FunctionName { get; private set; }
    private double Ratio => _sixteenths / 16.0;

    public override string Kind => "ratio";
    public override string PrimaryName => FunctionName;
    public override IEnumerable<string> Identifiers => [ConstName, FunctionName, .. Aliases];
    public override IEnumerable<string> Exports => [ConstName, FunctionName, .. Aliases];
    public override string Value => $"{ConstName} = {PyLit.Float(Ratio)}; {FunctionName}(amount) = amount * {ConstName}";
    public override IEnumerable<string> Literals() => [PyLit.Float(Ratio)];
    public override int ProbeCount => 3;

    public override IReadOnlyList<string> Definition() =>
    [
        $"{ConstName} = {PyLit.Float(Ratio)}",
        "",
        "",
        $"def {FunctionName}(amount):",
        $"    \"\"\"Scale an amount by the {Noun} {ConstName.Split('_')[^1].ToLowerInvariant()} factor.\"\"\"",
        $"    return amount * {ConstName}",
        .. WarningAliases(FunctionName),
    ];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        double input = 2.0 * (variant + 1);
        return probe switch
        {
            0 => new(false, [$"assert {FunctionName}({PyLit.Float(input)}) == pytest.approx({PyLit.Float(input * Ratio)}, rel=1e-6)"],
                [$"{PyLit.Float(input * Ratio)}, rel=1e-6)"], [FunctionName]),
            1 => new(true, [$"self.assertAlmostEqual({FunctionName}({PyLit.Float(input * 5)}), {PyLit.Float(input * 5 * Ratio)})"],
                [$"{PyLit.Float(input * 5 * Ratio)})"], [FunctionName]),
            _ => new(false, [$"assert {ConstName} == {PyLit.Float(Ratio)}"], [PyLit.Float(Ratio)], [ConstName]),
        };
    }

    protected override TestBody AliasProbe(string alias, int variant)
    {
        double input = 2.0 * (variant + 1);
        return new(true,
        [
            "with self.assertWarns(DeprecationWarning):",
            $"    self.assertAlmostEqual({alias}({PyLit.Float(input)}), {PyLit.Float(input * Ratio)})",
        ], [$"{PyLit.Float(input * Ratio)})"], [alias]);
    }

    public override IReadOnlyList<string> Changes => ["value", "value", "rename", "deprecate"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = (0, 0);
        if (change is "rename" or "deprecate")
        {
            var old = FunctionName;
            _verb = Other(rng, Vocabulary.DecayVerbs, _verb);
            FunctionName = Naming.Function(_verb, Noun);
            return Renamed(change, old, FunctionName);
        }
        var before = Ratio;
        var current = _sixteenths;
        _sixteenths = rng.Pick(Sixteenths.Where(s => s != current).ToList());
        return $"Change {ConstName} from {PyLit.Float(before)} to {PyLit.Float(Ratio)}";
    }
}
