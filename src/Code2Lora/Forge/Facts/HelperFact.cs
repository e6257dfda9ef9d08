namespace Code2Lora.Forge.Facts;

/// <summary>
/// A numeric helper with a defaulted parameter (<c>zq_clamp_station(value, limit=640)</c>, or a scale or a wrap);
/// changes: new default, renamed parameter (a signature change), rename, deprecating rename.
/// </summary>
internal sealed class HelperFact : Fact
{
    private readonly string _shape;            // clamp | scale | wrap
    private readonly IReadOnlyList<string> _verbs;
    private readonly IReadOnlyList<string> _params;
    private string _verb;

    public HelperFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        _shape = rng.Pick(Vocabulary.HelperKinds);
        (_verbs, _params) = _shape switch
        {
            "clamp" => (Vocabulary.ClampVerbs, Vocabulary.ClampParams),
            "scale" => (Vocabulary.ScaleVerbs, Vocabulary.ScaleParams),
            _ => (Vocabulary.WrapVerbs, Vocabulary.WrapParams),
        };
        _verb = _verbs[0];
        FunctionName = names.Function(_verb, noun);
        Parameter = _params[0];
        Default = rng.Int(120, 980);
    }

    public string FunctionName { get; private set; }
    public string Parameter { get; private set; }
    public int Default { get; private set; }

    public override string Kind => "helper";
    public override string PrimaryName => FunctionName;
    public override IEnumerable<string> Identifiers => [FunctionName, Parameter, .. Aliases];
    public override IEnumerable<string> Exports => [FunctionName, .. Aliases];
    public override string Value => $"def {FunctionName}(value, {Parameter}={Default}) -> {Body}";
    public override IEnumerable<string> Literals() => [PyLit.Int(Default)];
    public override int ProbeCount => 4;

    private string Body => _shape switch
    {
        "clamp" => $"min(value, {Parameter})",
        "scale" => $"value * {Parameter}",
        _ => $"value % {Parameter}",
    };

    private long Apply(long value, long p) => _shape switch
    {
        "clamp" => Math.Min(value, p),
        "scale" => value * p,
        _ => value % p,
    };

    public override IReadOnlyList<string> Definition() =>
    [
        $"def {FunctionName}(value, {Parameter}={Default}):",
        $"    \"\"\"{_shape switch { "clamp" => "Cap", "scale" => "Scale", _ => "Wrap" }} a {Noun} amount by {Parameter}.\"\"\"",
        $"    return {Body}",
        .. WarningAliases(FunctionName),
    ];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var d = PyLit.Int(Default);
        // Inputs that make the default visible in the result, whatever the shape.
        long input = _shape switch { "clamp" => 1_000_000, "scale" => 3 + variant, _ => (2 + variant) * (long)Default - 1 };
        var inputText = _shape == "clamp" ? "LARGE_VALUE" : PyLit.Int(input);
        var expected = PyLit.Int(Apply(input, Default));
        var call = $"{FunctionName}({inputText})";
        switch (probe)
        {
            case 0:
                return new(false, [$"assert {call} == {expected}"], [expected], [FunctionName]);
            case 1:
                var (small, op) = _shape switch { "clamp" => (5L + variant, "<"), "scale" => (2L + variant, ">"), _ => (5L * Default + 3 + variant, "<") };
                return new(false, [$"assert {FunctionName}({PyLit.Int(small)}) {op} {d}"], [d], [FunctionName]);
            case 2:
                return new(true, [$"self.assertEqual({call}, {expected})"], [expected + ")"], [FunctionName]);
            default:
                var keyword = $"{FunctionName}({inputText}, {Parameter}={d})";
                return new(false, [$"assert {call} == {keyword}"], [keyword], [FunctionName]);
        }
    }

    protected override TestBody AliasProbe(string alias, int variant)
    {
        long input = _shape switch { "clamp" => 1_000_000, "scale" => 3 + variant, _ => (2 + variant) * (long)Default - 1 };
        var expected = PyLit.Int(Apply(input, Default));
        return new(true,
        [
            "with self.assertWarns(DeprecationWarning):",
            $"    self.assertEqual({alias}({(_shape == "clamp" ? "LARGE_VALUE" : PyLit.Int(input))}), {expected})",
        ], [expected + ")"], [alias]);
    }

    public override IReadOnlyList<string> Changes => ["default", "default", "signature", "rename", "deprecate"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = (0, 0);
        switch (change)
        {
            case "signature":
                Witness = (3, 0);
                var oldParam = Parameter;
                Parameter = Other(rng, _params, Parameter);
                return $"Rename the {oldParam} parameter of {FunctionName} to {Parameter}";
            case "rename":
            case "deprecate":
                var old = FunctionName;
                _verb = Other(rng, _verbs, _verb);
                FunctionName = Naming.Function(_verb, Noun);
                return Renamed(change, old, FunctionName);
            default:
                var before = Default;
                Default = Nudge(rng, Default, 110, 990);
                return $"Change the default {Parameter} of {FunctionName} from {before} to {Default}";
        }
    }
}
