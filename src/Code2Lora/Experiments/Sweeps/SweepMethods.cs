namespace Code2Lora.Experiments.Sweeps;

/// <summary>The methods a sweep can train per config kind, the default choice, and the row name each has in the evaluation's summary.</summary>
public static class SweepMethods
{
    /// <summary>Trainable methods of each kind, in training order (the verb names of <c>c2l train</c>).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Known = new Dictionary<string, IReadOnlyList<string>>
    {
        ["static"] = ["static", "slora", "fft", "t2l", "plora"],
        ["evo"] = ["evo", "evo-slora"],
    };

    /// <summary>What a sweep trains when <c>--methods</c> is not given: the method and its single-LoRA control.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Default = new Dictionary<string, IReadOnlyList<string>>
    {
        ["static"] = ["static", "slora"],
        ["evo"] = ["evo", "evo-slora"],
    };

    /// <summary>The method's row in summary.json (and its folder under predictions/).</summary>
    public static string SummaryName(string method) => method switch
    {
        "static" => "code2lora-static",
        "slora" or "evo-slora" => "single-lora",
        "plora" => "per-repo-lora",
        "evo" => "code2lora-evo",
        _ => method,
    };
}
