using System.Text;

namespace Code2Lora.Tests.Mining;

/// <summary>
/// Writes a <c>git fast-import</c> stream of many commits (any modes, path bytes, merges, author and committer dates) and
/// imports it in one process: a 10,000-commit history costs about a second.
/// </summary>
internal sealed class HistoryStream
{
    private readonly MemoryStream stream = new();
    private int marks;

    /// <summary>One file operation of a commit.</summary>
    public abstract record Op;
    /// <summary>Write a file (100644), a symlink (120000) or an executable (100755) with these bytes.</summary>
    public sealed record Put(byte[] Path, byte[] Data, string Mode = "100644") : Op
    {
        public Put(string path, string text, string mode = "100644") : this(Encoding.UTF8.GetBytes(path), Encoding.UTF8.GetBytes(text), mode) { }
    }
    /// <summary>Point a path at a submodule commit (160000).</summary>
    public sealed record GitLink(string Path, string Sha) : Op;
    /// <summary>Remove a path.</summary>
    public sealed record Delete(string Path) : Op;
    /// <summary>Move a path (contents unchanged; a later Put in the same commit can edit it).</summary>
    public sealed record Rename(string From, string To) : Op;

    /// <summary>
    /// Appends a commit on <paramref name="branch"/> and returns its mark (":n" names it in later commits). Its parents are
    /// <paramref name="from"/> (or the branch's tip) and <paramref name="merges"/>; the author date defaults to the committer date.
    /// </summary>
    public int Commit(string branch, DateTimeOffset committed, string message, IEnumerable<Op> ops, int? from = null,
        int[]? merges = null, DateTimeOffset? authored = null)
    {
        var mark = ++marks;
        Line($"commit refs/heads/{branch}");
        Line($"mark :{mark}");
        Line($"author A <a@example.org> {(authored ?? committed).ToUnixTimeSeconds()} +0000");
        Line($"committer C <c@example.org> {committed.ToUnixTimeSeconds()} +0000");
        var msg = Encoding.UTF8.GetBytes(message + "\n");
        Line($"data {msg.Length}");
        Raw(msg);
        if (from is { } f) Line($"from :{f}");
        foreach (var m in merges ?? []) Line($"merge :{m}");
        foreach (var op in ops)
        {
            switch (op)
            {
                case Put p:
                    Raw(Encoding.ASCII.GetBytes($"M {p.Mode} inline "));
                    Raw(Quote(p.Path));
                    Line("");
                    Line($"data {p.Data.Length}");
                    Raw(p.Data);
                    Line("");
                    break;
                case GitLink g: Line($"M 160000 {g.Sha} {g.Path}"); break;
                case Delete d: Line($"D {d.Path}"); break;
                case Rename r: Line($"R {r.From} {r.To}"); break;
            }
        }
        Line("");
        return mark;
    }

    /// <summary>Points <paramref name="branch"/> back at an existing commit, so the next commits rewrite it (a force-push).</summary>
    public void Reset(string branch, string sha)
    {
        Line($"reset refs/heads/{branch}");
        Line($"from {sha}");
        Line("");
    }

    /// <summary>Imports every commit into <paramref name="dir"/> (initialised first unless <paramref name="init"/> is false), forcing branch rewrites; HEAD is main.</summary>
    public void ImportInto(string dir, bool init = true)
    {
        if (init) GitCli.Run(dir, null, "init", "-q");
        Line("done");
        var marksFile = Path.Combine(dir, ".git", "c2l-marks");
        GitCli.Run(dir, null, stream.ToArray(), "fast-import", "--quiet", "--force", "--done", $"--export-marks={marksFile}");
        GitCli.Run(dir, null, "symbolic-ref", "HEAD", "refs/heads/main");
        foreach (var line in File.ReadAllLines(marksFile))
            shas[int.Parse(line.Split(' ')[0][1..])] = line.Split(' ')[1];
    }

    private readonly Dictionary<int, string> shas = [];

    /// <summary>The sha of a commit this stream made, after <see cref="ImportInto"/>.</summary>
    public string Sha(int mark) => shas[mark];

    /// <summary>The sha a revision names in <paramref name="dir"/>.</summary>
    public static string Sha(string dir, string rev) => GitCli.Run(dir, null, "rev-parse", rev).Trim();

    // Paths with a space, quote or non-UTF-8 byte need fast-import's C-style quoting (bytes as octal escapes).
    private static byte[] Quote(byte[] path)
    {
        if (!path.Any(b => b is (byte)' ' or (byte)'"' or (byte)'\\' or < 0x20 or >= 0x80)) return path;
        var sb = new StringBuilder("\"");
        foreach (var b in path)
            sb.Append(b is (byte)'"' or (byte)'\\' ? "\\" + (char)b : b is < 0x20 or >= 0x80 ? $"\\{Convert.ToString(b, 8).PadLeft(3, '0')}" : ((char)b).ToString());
        return Encoding.ASCII.GetBytes(sb.Append('"').ToString());
    }

    private void Line(string s) => Raw(Encoding.UTF8.GetBytes(s + "\n"));
    private void Raw(byte[] b) => stream.Write(b);
}
