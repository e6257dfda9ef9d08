namespace Code2Lora.Forge.Facts;

/// <summary>Draws a genome's facts: a seeded mix of kinds over the domain's nouns.</summary>
internal static class FactFactory
{
    private static readonly string[] Kinds = ["constant", "formatter", "helper", "record", "exception", "enum", "ratio", "version"];

    /// <summary>Draws <paramref name="count"/> facts; every kind appears before any repeats.</summary>
    public static List<Fact> Draw(int count, Vocabulary.Domain domain, NameForge names, ForgeRandom rng)
    {
        var facts = new List<Fact>(count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var kinds = new List<string>();
        while (kinds.Count < count) kinds.AddRange(rng.Shuffled(Kinds));
        for (int i = 0; i < count; i++)
        {
            var kind = kinds[i];
            var noun = domain.Nouns[(i + rng.Int(0, 3)) % domain.Nouns.Count];
            var id = $"{noun}_{kind}";
            for (int n = 2; !ids.Add(id); n++) id = $"{noun}_{kind}{n}";
            facts.Add(Create(kind, id, noun, names, rng));
        }
        return facts;
    }

    private static Fact Create(string kind, string id, string noun, NameForge names, ForgeRandom rng) => kind switch
    {
        "constant" => new ConstantFact(id, noun, names, rng),
        "formatter" => new FormatterFact(id, noun, names, rng),
        "helper" => new HelperFact(id, noun, names, rng),
        "record" => new RecordFact(id, noun, names, rng),
        "exception" => new ErrorFact(id, noun, names, rng),
        "enum" => new EnumFact(id, noun, names, rng),
        "ratio" => new RatioFact(id, noun, names, rng),
        _ => new VersionFact(id, noun, names, rng),
    };

    /// <summary>The module a fact of this kind is first written into.</summary>
    public static string HomeModule(Fact fact) => fact.Kind switch
    {
        "constant" or "version" or "ratio" => "config",
        "exception" => "errors",
        "formatter" => "formatting",
        _ => fact.Noun + "s",
    };
}
