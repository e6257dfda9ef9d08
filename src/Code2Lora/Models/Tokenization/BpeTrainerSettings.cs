namespace Code2Lora.Models.Tokenization;

/// <summary>Knobs of <see cref="BpeTrainer"/>.</summary>
public sealed record BpeTrainerSettings
{
    /// <summary>Final number of ids: special tokens + 256 byte symbols + merged tokens.</summary>
    public int VocabSize { get; init; } = 8192;

    /// <summary>Control tokens, given ids 0, 1, … in this order; never learned as merges, cut out of training text.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = ["<|endoftext|>"];

    /// <summary>A pair seen fewer times than this is never merged (training may then stop below <see cref="VocabSize"/>).</summary>
    public int MinPairFrequency { get; init; } = 2;

    /// <summary>Pre-tokenizer regex; the default is Qwen2's.</summary>
    public string PreTokenizerPattern { get; init; } = PreTokenizer.Qwen2Pattern;

    /// <summary>Called now and then with what has been done (null: silent).</summary>
    public Action<BpeTrainerProgress>? Progress { get; init; }
}

/// <summary>Progress of a training run: <paramref name="Phase"/> is "words" (texts counted) or "merges" (merges learned of <paramref name="Total"/>).</summary>
public sealed record BpeTrainerProgress(string Phase, long Done, long Total);
