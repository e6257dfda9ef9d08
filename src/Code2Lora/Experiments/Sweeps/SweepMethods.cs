namespace Code2Lora.Experiments.Sweeps;

/// <summary>The methods a sweep can train per config kind, the default choice, and the row name each has in the evaluation's summary.</summary>
public static class SweepMethods
{
    /// <summary>The frozen base model alone: nothing is trained, its row is the evaluation's <c>pretrained</c> row (a sweep over
    /// <c>base_model</c> or the prompt boundary needs it).</summary>
    public const string Base = "base";

    /// <summary>Methods of each kind, in training order (the verb names of <c>c2l train</c>, and <see cref="Base"/>).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Known = new Dictionary<string, IReadOnlyList<string>>
    {
        ["static"] = [Base, "static", "slora", "fft", "t2l", "plora"],
        ["evo"] = [Base, "evo", "evo-slora"],
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
        Base => "pretrained",
        _ => method,
    };
}
