namespace Code2Lora.Models.Tokenization;

/// <summary>A hand-written pre-tokenizer: pieces are taken one after another, each as long as the pattern's first matching alternative.</summary>
internal abstract class ScanningPreTokenizer : PreTokenizer
{
    /// <inheritdoc/>
    public sealed override void Split(string text, int start, int length, List<(int Start, int Length)> pieces)
    {
        var end = start + length;
        var i = start;
        while (i < end)
        {
            var j = NextEnd(text, i, end);
            pieces.Add((i, j - i));
            i = j;
        }
    }

    /// <summary>Where the piece that starts at <paramref name="i"/> ends (exclusive); always after <paramref name="i"/>.</summary>
    protected abstract int NextEnd(string text, int i, int end);
}
