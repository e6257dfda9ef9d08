namespace Code2Lora.Forge.Facts;

/// <summary>
/// A custom exception and the parser that raises it (<c>pytest.raises(ZqStationError, match="invalid station")</c>);
/// changes: exception rename (old name kept as an alias), message change, parser rename.
/// </summary>
internal sealed class ErrorFact : Fact
{
    private readonly string _base;
    private string _stem;
    private string _verb;

    public ErrorFact(string id, string noun, NameForge names, ForgeRandom rng) : base(id, noun, names)
    {
        ErrorName = names.Class(noun, "Error");
        _base = rng.Pick(Vocabulary.ErrorBases);
        _stem = rng.Pick(Vocabulary.ErrorStems);
        _verb = Vocabulary.ParseVerbs[0];
        ParserName = names.Function(_verb, noun);
    }

    public string ErrorName { get; private set; }
    public string ParserName { get; private set; }
    private string Message => $"{_stem} {Noun}";

    public override string Kind => "exception";
    public override string PrimaryName => ErrorName;
    public override IEnumerable<string> Identifiers => [ErrorName, ParserName, .. Aliases];
    public override IEnumerable<string> Exports => [ErrorName, ParserName, .. Aliases];
    public override string Value => $"{ParserName}(text) raises {ErrorName}({_base}) with \"{Message}: ...\"";
    public override IEnumerable<string> Literals() => [Message];
    public override int ProbeCount => 3;
    protected override bool AliasesWarn => false;

    public override IReadOnlyList<string> Definition() =>
    [
        $"class {ErrorName}({_base}):",
        $"    \"\"\"Raised when a {Noun} value cannot be parsed.\"\"\"",
        .. Aliases.SelectMany(a => new[] { "", "", $"{a} = {ErrorName}  # deprecated alias, kept for old callers" }),
        "",
        "",
        $"def {ParserName}(text):",
        $"    \"\"\"Parse a {Noun} number, rejecting anything that is not digits.\"\"\"",
        "    if not text.isdigit():",
        $"        raise {ErrorName}(f\"{Message}: {{text!r}}\")",
        "    return int(text)",
    ];

    protected override TestBody BaseProbe(int probe, int variant)
    {
        var bad = PyLit.Str(Vocabulary.SampleWords[variant]);
        return probe switch
        {
            0 => new(false, [$"with pytest.raises({ErrorName}, match={PyLit.Str(Message)}):", $"    {ParserName}({bad})"],
                [$"{ErrorName}, match={PyLit.Str(Message)})"], [ErrorName, ParserName]),
            1 => new(true, [$"with self.assertRaises({ErrorName}):", $"    {ParserName}({bad})"], [ErrorName + ")"], [ErrorName, ParserName]),
            _ => new(true, [$"self.assertTrue(issubclass({ErrorName}, {_base}))"], [$"issubclass({ErrorName}, {_base}))"], [ErrorName]),
        };
    }

    protected override TestBody AliasProbe(string alias, int variant) =>
        new(true, [$"self.assertIs({alias}, {ErrorName})"], [ErrorName + ")"], [alias, ErrorName]);

    public override IReadOnlyList<string> Changes => ["rename", "message", "message", "parser"];

    public override string Apply(string change, ForgeRandom rng)
    {
        Witness = (0, 0);
        switch (change)
        {
            case "rename":
                var old = ErrorName;
                ErrorName = Naming.Claim(Naming.ClassPrefix + NameForge.Pascal(Noun) + rng.Pick(["Fault", "Failure", "Problem"]));
                Aliases.Add(old);
                Witness = NewestAliasProbe;
                return $"Rename {old} to {ErrorName}; keep {old} as an alias";
            case "parser":
                var oldParser = ParserName;
                _verb = Other(rng, Vocabulary.ParseVerbs, _verb);
                ParserName = Naming.Function(_verb, Noun);
                return $"Rename {oldParser} to {ParserName}";
            default:
                var before = Message;
                _stem = Other(rng, Vocabulary.ErrorStems, _stem);
                return $"Reword {ErrorName} message from '{before}' to '{Message}'";
        }
    }
}
