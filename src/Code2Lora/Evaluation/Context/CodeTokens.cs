namespace Code2Lora.Evaluation.Context;

/// <summary>Code-aware words for lexical retrieval: split on every non-alphanumeric character, then at camel-case humps, lower-cased.</summary>
public static class CodeTokens
{
    /// <summary>
    /// "parseHTTPResponse(max_len=3)" → parse, http, response, max, len, 3. A hump is lower/digit→upper ("parseH") or the
    /// last capital of a run before a lower-case letter ("HTTPResponse" → HTTP | Response); digits stay with their letters.
    /// </summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i])) i++;
            SplitHumps(text.AsSpan(start, i - start), words);
        }
        return words;
    }

    private static void SplitHumps(ReadOnlySpan<char> run, List<string> words)
    {
        int start = 0;
        for (int j = 1; j < run.Length; j++)
        {
            bool hump = char.IsUpper(run[j]) && (char.IsLower(run[j - 1]) || char.IsDigit(run[j - 1])
                || (char.IsUpper(run[j - 1]) && j + 1 < run.Length && char.IsLower(run[j + 1])));
            if (!hump) continue;
            words.Add(run[start..j].ToString().ToLowerInvariant());
            start = j;
        }
        words.Add(run[start..].ToString().ToLowerInvariant());
    }
}
