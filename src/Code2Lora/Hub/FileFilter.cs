using System.Text;
using System.Text.RegularExpressions;

namespace Code2Lora.Hub;

/// <summary>huggingface_hub's allow/ignore patterns: Python fnmatchcase globs over repository paths, where '*' also crosses '/'
/// and a pattern ending in '/' means everything under that folder.</summary>
public sealed class FileFilter
{
    private readonly IReadOnlyList<Regex> _include;
    private readonly IReadOnlyList<Regex> _exclude;

    /// <summary>The patterns as given by the user.</summary>
    public IReadOnlyList<string> Include { get; }

    /// <summary>The ignore patterns as given by the user.</summary>
    public IReadOnlyList<string> Exclude { get; }

    /// <summary>A filter that keeps files matching any include pattern (all files when there is none) and no exclude pattern.</summary>
    public FileFilter(IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        Include = [.. include ?? []];
        Exclude = [.. exclude ?? []];
        _include = [.. Include.Select(Compile)];
        _exclude = [.. Exclude.Select(Compile)];
    }

    /// <summary>True when <paramref name="path"/> is selected.</summary>
    public bool Accepts(string path) =>
        (_include.Count == 0 || _include.Any(r => r.IsMatch(path))) && !_exclude.Any(r => r.IsMatch(path));

    /// <summary>The patterns as command-line flags, for messages.</summary>
    public string Describe() => Include.Count + Exclude.Count == 0
        ? "(no filter)"
        : string.Join(" ", Include.Select(p => $"--include '{p}'").Concat(Exclude.Select(p => $"--exclude '{p}'")));

    private static Regex Compile(string pattern)
    {
        var p = pattern.Replace('\\', '/');
        if (p.EndsWith('/')) p += "*";
        return new Regex(Translate(p), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    // Python's fnmatch.translate: '*' any run, '?' one character, '[seq]' / '[!seq]' a class, everything else literal.
    private static string Translate(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var j = i + 1;
                    if (j < pattern.Length && pattern[j] == '!') j++;
                    if (j < pattern.Length && pattern[j] == ']') j++;
                    while (j < pattern.Length && pattern[j] != ']') j++;
                    if (j >= pattern.Length)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var body = pattern[(i + 1)..j];
                    var negate = body.StartsWith('!');
                    if (negate) body = body[1..];
                    sb.Append('[').Append(negate ? "^" : "").Append(body.Replace(@"\", @"\\").Replace("[", @"\[").Replace("]", @"\]").Replace("^", @"\^")).Append(']');
                    i = j;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return sb.Append('$').ToString();
    }
}
