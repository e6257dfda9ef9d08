namespace Code2Lora.Forge.Facts;

/// <summary>
/// A small class with a class attribute, a defaulted constructor parameter and a label method
/// (<c>ZqStation("alpha").label() == "alpha@300"</c>); changes: default, attribute value, class rename,
/// method rename, label format.
/// </summary>
internal sealed class RecordFact : Fact
{
    private readonly string _param;
    private readonly string _attr;
    private string _separator;

    public RecordFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        ClassName = names.Class(noun);
        _param = rng.Pick(Vocabulary.RecordParams);
        _attr = rng.Pick(Vocabulary.RecordAttrs);
        Method = rng.Pick(Vocabulary.RecordMethods);
        _separator = rng.Pick(Vocabulary.LabelSeparators);
        Default = rng.Int(100, 900);
        AttrValue = rng.Int(100, 400);
    }

    public string ClassName { get; private set; }
    public string Method { get; private set; }
    public int Default { get; private set; }
    public int AttrValue { get; private set; }
    private string Instance => Noun;
    private string FixtureName => $"{Naming.Prefix}_{Id}";  // the id, not the noun: two records of one noun may share a test file

    public override string Kind => "record";
    public override string PrimaryName => ClassName;
    public override IEnumerable<string> Identifiers => [ClassName, _attr, Method, _param];
    public override IEnumerable<string> Exports => [ClassName];
    public override string Value => $"{ClassName}(name, {_param}={Default}); {_attr} = {AttrValue}; {Method}() -> name{_separator}{_param}";
    public override IEnumerable<string> Literals() => [PyLit.Int(Default), PyLit.Int(AttrValue), Label("alpha")];
    public override int ProbeCount => 7;

    private string Label(string name) => $"{name}{_separator}{Default}";

    public override IReadOnlyList<string> Definition() =>
    [
        $"class {ClassName}:",
        $"    \"\"\"A named {Noun} with a {_param}.\"\"\"",
        "",
        $"    {_attr} = {AttrValue}",
        "",
        $"    def __init__(self, name, {_param}={Default}):",
        "        self.name = name",
        $"        self.{_param} = {_param}",
        "",
        $"    def {Method}(self):",
        $"        return f\"{{self.name}}{_separator}{{self.{_param}}}\"",
    ];

    /// <summary>A fixture-taking test and a TestCase one, so every record is exercised both ways.</summary>
    public override IReadOnlyList<int> IntroProbes(ForgeRandom rng) => [rng.Pick([4, 5]), rng.Int(0, 4)];

    public override IReadOnlyList<string> SetUp() => [$"self.{Instance} = {ClassName}({PyLit.Str("alpha")})"];
    public override IReadOnlyList<string> SetUpNames => [ClassName];
    public override (string Name, string Body)? Fixture => (FixtureName, $"return {ClassName}({PyLit.Str("alpha")})");

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var d = PyLit.Int(Default);
        var word = Vocabulary.SampleWords[variant];
        return probe switch
        {
            0 => new(true, [$"self.assertEqual(self.{Instance}.{_param}, {d})"], [d + ")"], [ClassName]),
            1 => new(true, [$"self.assertEqual(self.{Instance}.{Method}(), {PyLit.Str(Label("alpha"))})"], [PyLit.Str(Label("alpha")) + ")"], [ClassName]),
            2 => new(true, [$"self.assertEqual({ClassName}.{_attr}, {PyLit.Int(AttrValue)})"], [PyLit.Int(AttrValue) + ")"], [ClassName]),
            3 => new(true, [$"self.assertTrue(self.{Instance}.{Method}().endswith({PyLit.Str(_separator + d)}))"],
                [$"self.{Instance}.{Method}().endswith({PyLit.Str(_separator + d)}))"], [ClassName]),
            4 => new(false, [$"assert {FixtureName}.{_param} == {d}"], [d], [ClassName], Fixture: FixtureName),
            5 => new(false, [$"assert type({FixtureName}) is {ClassName}"], [ClassName], [ClassName], Fixture: FixtureName),
            _ => new(false, [$"assert {ClassName}({PyLit.Str(word)}).{Method}() == {PyLit.Str(Label(word))}"], [PyLit.Str(Label(word))], [ClassName]),
        };
    }

    public override IReadOnlyList<string> Changes => ["default", "default", "attribute", "rename", "method", "format"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = change switch { "attribute" => (2, 0), "method" or "format" => (1, 0), "rename" => (6, 0), _ => (0, 0) };
        switch (change)
        {
            case "attribute":
                var beforeAttr = AttrValue;
                AttrValue = Nudge(rng, AttrValue, 100, 999);
                return $"Set {ClassName}.{_attr} to {AttrValue} (was {beforeAttr})";
            case "rename":
                var old = ClassName;
                ClassName = Naming.Claim(Naming.ClassPrefix + NameForge.Pascal(Noun) + rng.Pick(["Record", "Entry", "Item", "Info"]));
                return $"Rename class {old} to {ClassName}";
            case "method":
                var oldMethod = Method;
                Method = Other(rng, Vocabulary.RecordMethods, Method);
                return $"Rename {ClassName}.{oldMethod}() to {Method}()";
            case "format":
                var beforeLabel = Label("alpha");
                _separator = Other(rng, Vocabulary.LabelSeparators, _separator);
                return $"Change {ClassName}.{Method}() from {beforeLabel} to {Label("alpha")}";
            default:
                var before = Default;
                Default = Nudge(rng, Default, 100, 999);
                return $"Change the default {_param} of {ClassName} from {before} to {Default}";
        }
    }
}
