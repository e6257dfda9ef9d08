using System.Buffers;
using System.Text;

namespace Code2Lora.Bench;

/// <summary>Whitespace normalisation used by assertion keys (paper-notes §3.4 step 2).</summary>
public static class Normalise
{
    /// <summary>Every UTF-16 code unit <see cref="char.IsWhiteSpace(char)"/> accepts, for vectorised searches.</summary>
    public static readonly SearchValues<char> WhitespaceChars =
        SearchValues.Create(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray());

    /// <summary>Collapses every run of whitespace to one space and trims.</summary>
    public static string Whitespace(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool space = false;
        foreach (char c in s)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A short stable id (hex of SHA-1) for a sequence of parts.</summary>
    public static string Id(params string[] parts)
    {
        var bytes = System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts)));
        return Convert.ToHexString(bytes, 0, 8).ToLowerInvariant();
    }
}
