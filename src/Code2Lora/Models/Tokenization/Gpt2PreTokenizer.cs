namespace Code2Lora.Models.Tokenization;

/// <summary>A code-point scanner equal to <see cref="PreTokenizer.Gpt2Pattern"/> under Oniguruma's leftmost-first alternation.</summary>
internal sealed class Gpt2PreTokenizer : ScanningPreTokenizer
{
    /// <inheritdoc/>
    public override string Pattern => Gpt2Pattern;

    protected override int NextEnd(string text, int i, int end)
    {
        // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive in GPT-2)
        var contraction = ContractionLength(text, i, end, ignoreCase: false);
        if (contraction > 0) return i + contraction;
        var cls = ClassAt(text, i, end, out var w);
        //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+ : an optional leading space joins a run of one class
        if (text[i] == ' ' && i + 1 < end)
        {
            var next = ClassAt(text, i + 1, end, out _);
            if (next != CharClass.Space) return RunEnd(text, i + 1, end, next);
        }
        if (cls != CharClass.Space) return RunEnd(text, i + w, end, cls);
        // \s+(?!\S) | \s+
        return WhitespaceRunEnd(text, i, end, RunEnd(text, i, end, CharClass.Space));
    }
}
