namespace Code2Lora.Models.Tokenization;

/// <summary>A code-point scanner equal to <see cref="PreTokenizer.Qwen2Pattern"/> under Oniguruma's leftmost-first alternation.</summary>
internal sealed class Qwen2PreTokenizer : ScanningPreTokenizer
{
    /// <inheritdoc/>
    public override string Pattern => Qwen2Pattern;

    // Each branch is one alternative of the pattern, tried in the pattern's order.
    protected override int NextEnd(string text, int i, int end)
    {
        var c = text[i];
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        var contraction = ContractionLength(text, i, end, ignoreCase: true);
        if (contraction > 0) return i + contraction;

        var cls = ClassAt(text, i, end, out var w);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (cls == CharClass.Letter) return RunEnd(text, i + w, end, CharClass.Letter);
        if (cls != CharClass.Number && c is not ('\r' or '\n') && i + w < end && ClassAt(text, i + w, end, out _) == CharClass.Letter)
            return RunEnd(text, i + w, end, CharClass.Letter);
        // \p{N}
        if (cls == CharClass.Number) return i + w;
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        var otherStart = c == ' ' && i + 1 < end && ClassAt(text, i + 1, end, out _) == CharClass.Other ? i + 1 : cls == CharClass.Other ? i : -1;
        if (otherStart >= 0)
        {
            var j = RunEnd(text, otherStart, end, CharClass.Other);
            while (j < end && text[j] is '\r' or '\n') j++;
            return j;
        }
        // Only whitespace is left. \s*[\r\n]+ ends at the run's last line break, if it has one.
        var runEnd = RunEnd(text, i, end, CharClass.Space);
        for (var k = runEnd - 1; k >= i; k--)
            if (text[k] is '\r' or '\n') return k + 1;
        // \s+(?!\S) | \s+
        return WhitespaceRunEnd(text, i, end, runEnd);
    }
}
