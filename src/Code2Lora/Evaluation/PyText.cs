namespace Code2Lora.Evaluation;

/// <summary>Python's notion of whitespace, strip() and split(), so metrics match the authors' Python exactly.</summary>
internal static class PyText
{
    /// <summary>str.isspace for one UTF-16 unit: C#'s IsWhiteSpace plus the ASCII separators \x1c–\x1f that Python also counts.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>str.strip().</summary>
    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return s[start..end];
    }

    /// <summary>str.rstrip(chars).</summary>
    public static string RStrip(string s, string chars)
    {
        int end = s.Length;
        while (end > 0 && chars.Contains(s[end - 1])) end--;
        return s[..end];
    }

    /// <summary>str.split() with no separator: runs of whitespace split, no empty parts.</summary>
    public static List<string> Split(string s)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsSpace(s[i])) i++;
            int start = i;
            while (i < s.Length && !IsSpace(s[i])) i++;
            if (i > start) parts.Add(s[start..i]);
        }
        return parts;
    }
}
