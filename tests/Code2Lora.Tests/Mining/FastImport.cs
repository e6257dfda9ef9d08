using System.Text;

namespace Code2Lora.Tests.Mining;

/// <summary>Builds a one-commit repository byte for byte with <c>git fast-import</c>: any mode, any path bytes, any content.</summary>
internal sealed class FastImport
{
    private readonly MemoryStream stream = new();

    private void Line(string s) => Raw(Encoding.UTF8.GetBytes(s + "\n"));
    private void Raw(byte[] b) => stream.Write(b);

    private readonly List<(byte[] Path, string Mode, byte[]? Data, string? Sha)> entries = [];

    public FastImport File(string path, byte[] data, string mode = "100644") => File(Encoding.UTF8.GetBytes(path), data, mode);
    public FastImport File(byte[] path, byte[] data, string mode = "100644") { entries.Add((path, mode, data, null)); return this; }
    public FastImport Symlink(string path, string target) => File(path, Encoding.UTF8.GetBytes(target), "120000");
    public FastImport GitLink(string path, string sha) { entries.Add((Encoding.UTF8.GetBytes(path), "160000", null, sha)); return this; }

    /// <summary>Initialises <paramref name="dir"/> and imports the commit onto main.</summary>
    public void ImportInto(string dir)
    {
        GitCli.Run(dir, null, "init", "-q");
        Line("commit refs/heads/main");
        Line("committer Test <test@example.org> 1700000000 +0000");
        Line("data 7");
        Line("import");
        foreach (var (path, mode, data, sha) in entries)
        {
            Raw(Encoding.ASCII.GetBytes(sha is null ? $"M {mode} inline " : $"M {mode} {sha} "));
            Raw(path);
            Line("");
            if (data is null) continue;
            Line($"data {data.Length}");
            Raw(data);
            Line("");
        }
        Line("done");
        GitCli.Run(dir, null, stream.ToArray(), "fast-import", "--quiet", "--done");
        GitCli.Run(dir, null, "symbolic-ref", "HEAD", "refs/heads/main");
    }
}
