using Code2Lora.Config;

namespace Code2Lora.Experiments;

/// <summary>The conditioning study (not in the paper): the static experiment it varies and the variants it trains. Run:
/// <c>c2l study conditioning --config configs/conditioning/tiny.json</c>.</summary>
public sealed record ConditioningStudyConfig
{
    /// <summary>Preset name; also names the run and results folders.</summary>
    public required string Name { get; init; }
    /// <summary>The static experiment every variant starts from: a preset name (configs/static/) or a static config file.</summary>
    public string Static { get; init; } = "tiny";
    /// <summary>The ways of training the head, each a list of <c>key=value</c> overrides of the static config.</summary>
    public IReadOnlyList<ConditioningVariantConfig> Variants { get; init; } = [];

    /// <summary>A shipped preset by name (configs/conditioning/&lt;name&gt;.json).</summary>
    public static ConditioningStudyConfig Get(string name) => ConfigFiles.Preset<ConditioningStudyConfig>("conditioning", name);

    /// <summary>Throws a readable error for an empty or ambiguous variant list.</summary>
    public ConditioningStudyConfig Validate()
    {
        if (Variants.Count == 0) throw new ArgumentException("variants is empty: the study needs at least one way of training the head.");
        var twice = Variants.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"variant '{twice.Key}' is listed twice (each variant trains in a folder named after it).");
        return this;
    }

    /// <summary>The variants as changes to a static config.</summary>
    public IReadOnlyList<ConditioningVariant> ToVariants() =>
        Variants.Select(v => new ConditioningVariant(v.Name, v.Description, c => ConfigFiles.With(c, v.Set))).ToList();
}

/// <summary>One variant of the conditioning study: a name (its run folder), what it changes, and the overrides that change it.</summary>
public sealed record ConditioningVariantConfig
{
    /// <summary>Short name; the variant trains in a folder of this name.</summary>
    public required string Name { get; init; }
    /// <summary>One line for the study's table.</summary>
    public string Description { get; init; } = "";
    /// <summary><c>key=value</c> overrides of the static config (e.g. <c>standardize_contexts=false</c>).</summary>
    public IReadOnlyList<string> Set { get; init; } = [];
}
