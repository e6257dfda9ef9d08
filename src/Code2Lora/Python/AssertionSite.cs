namespace Code2Lora.Python;

/// <summary>
/// One assertion found in a module, in both forms: the target (flattened, with the closing ")" of the call families),
/// where it starts, and the re-synthesised tail the evolution ("v1") prefix ends with (null: cut the line at the target).
/// </summary>
internal sealed record AssertionSite(
    string AssertionType,
    int Token,
    int LineNo,
    string Target,
    int TargetLine,
    int TargetCol,
    string? SynthesisedTail);
