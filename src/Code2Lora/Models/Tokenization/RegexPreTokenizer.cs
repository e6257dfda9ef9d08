using System.Text.RegularExpressions;

namespace Code2Lora.Models.Tokenization;

/// <summary>Split(regex, Isolated) with .NET Regex, for patterns without a hand-written scanner: matches and the gaps between them become pieces.</summary>
internal sealed class RegexPreTokenizer : PreTokenizer
{
    private readonly Regex _regex;

    /// <summary>Compiles <paramref name="pattern"/> culture-invariantly.</summary>
    public RegexPreTokenizer(string pattern)
    {
        Pattern = pattern;
        try
        {
            _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"pre_tokenizer regex '{pattern}' is not a .NET regex: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string Pattern { get; }

    /// <inheritdoc/>
    public override void Split(string text, int start, int length, List<(int Start, int Length)> pieces)
    {
        var end = start + length;
        var at = start;
        for (var m = _regex.Match(text, start, length); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            if (m.Index > at) pieces.Add((at, m.Index - at));
            pieces.Add((m.Index, m.Length));
            at = m.Index + m.Length;
        }
        if (end > at) pieces.Add((at, end - at));
    }
}
