using System.Text.Json.Serialization;

namespace Code2Lora.Bench;

/// <summary>Where a task's prompt ends and its target begins when both are tokenized (config key <c>prompt_boundary</c>; reports
/// spell it the same way).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PromptBoundary>))]
public enum PromptBoundary
{
    /// <summary>The benchmark's cut, unchanged: the prompt ends with the operator's trailing space (paper-faithful).</summary>
    [JsonStringEnumMemberName("paper")] Paper,

    /// <summary>The prefix's trailing spaces and tabs are moved to the start of the target before tokenizing.</summary>
    [JsonStringEnumMemberName("healed")] Healed,
}

/// <summary>
/// The prompt boundary's text. The benchmark (paper-notes §5.2) cuts every assertion after its operator and the space that follows
/// (<c>assert x == </c> | <c>durl</c>), and prefix and target are tokenized separately (§1.6), so the prompt's last token is a lone space
/// and the target starts with a word piece that carries no space. A BPE whose pre-tokenizer glues the space to the word (Qwen's, this
/// package's) almost never shows that pair in running text; a model has to have seen enough odd text to bridge it, and a small one has
/// not: the shipped tiny base copies 20.0 % of the targets its prompt shows once the space moves into the target, 5.6 % at
/// the paper's cut (results/copy-check/). <see cref="PromptBoundary.Healed"/> is that move (token healing done on the text); scores are always against
/// the benchmark's own target, with the moved whitespace taken off the front of the prediction.
/// </summary>
public static class PromptBoundaries
{
    /// <summary>The whitespace <paramref name="boundary"/> moves from the end of <paramref name="prefix"/> into the target ("" for the paper's cut;
    /// line breaks stay, so no token crosses a line the benchmark cut on).</summary>
    public static string Moved(PromptBoundary boundary, string prefix) =>
        boundary == PromptBoundary.Healed ? prefix[prefix.TrimEnd(' ', '\t').Length..] : "";

    /// <summary>The prompt text and the target text that are tokenized for a task cut at <paramref name="boundary"/>.</summary>
    public static (string Prefix, string Target) Cut(PromptBoundary boundary, string prefix, string target)
    {
        var moved = Moved(boundary, prefix);
        return moved.Length == 0 ? (prefix, target) : (prefix[..^moved.Length], moved + target);
    }

    /// <summary>A decoded continuation of a prompt cut at <paramref name="boundary"/>, as text after the benchmark's prefix: the moved
    /// whitespace is taken off its front when the model wrote it.</summary>
    public static string Prediction(PromptBoundary boundary, string prefix, string raw)
    {
        var moved = Moved(boundary, prefix);
        return moved.Length > 0 && raw.StartsWith(moved, StringComparison.Ordinal) ? raw[moved.Length..] : raw;
    }
}
