using Code2Lora.Mining;
using Code2Lora.Runtime;

namespace Code2Lora.Tests.Mining;

/// <summary>Over a thousand hostile files across odd repositories: nothing crashes, every file is read or skipped with a reason.</summary>
public class HostileInputTests
{
    private static byte[] RandomFile(SeededRandom rng)
    {
        switch (rng.Next(6))
        {
            case 0: { var b = new byte[rng.Next(300)]; for (int i = 0; i < b.Length; i++) b[i] = (byte)rng.Next(256); return b; } // noise (often binary)
            case 1: return System.Text.Encoding.Latin1.GetBytes("s = 'caf\u00e9'\n");                                              // invalid UTF-8
            case 2: return [];
            case 3: return System.Text.Encoding.UTF8.GetBytes($"def f{rng.Next(1000)}(x):\n    return x + {rng.Next(9)}\n");
            case 4: return System.Text.Encoding.UTF8.GetBytes("def broken(:\n  assert ((\n");                                       // broken Python
            default: return System.Text.Encoding.UTF8.GetBytes("import pytest\n\ndef test_x():\n    assert 1 + 1 == 2\n");
        }
    }

    private static string RandomName(SeededRandom rng, int i) =>
        (rng.Next(4)) switch
        {
            0 => $"tests/test_{i}.py",
            1 => $"pkg/sub dir/mod_{i}.py",
            2 => $"pkg/ünï_{i}_名.py",
            _ => $"{(rng.Next(2) == 0 ? "node_modules" : "src")}/f{i}.py",
        };

    [Fact]
    public void ThousandHostileFilesLoseNothing()
    {
        var rng = new SeededRandom(7);
        var root = Directory.CreateTempSubdirectory("c2l-hostile-").FullName;
        try
        {
            int written = 0, read = 0, skipped = 0, failedRepos = 0;
            for (int r = 0; r < 12; r++)
            {
                var dir = Path.Combine(root, $"repo{r}");
                bool git = r % 3 != 0;
                using var g = git ? new GitFixture(dir) : null;
                Directory.CreateDirectory(dir);
                int files = r == 4 ? 0 : 60 + rng.Next(80); // repo 4 stays empty
                var names = new HashSet<string>();
                for (int i = 0; i < files; i++)
                {
                    var name = RandomName(rng, i);
                    if (!names.Add(name)) continue;
                    var full = Path.Combine(dir, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    File.WriteAllBytes(full, r == 7 ? [0, 1, 2, 3] : RandomFile(rng)); // repo 7 holds only binary files
                }
                written += names.Count;
                if (git && names.Count > 0) g!.Commit("all");
                try
                {
                    using var src = RepoSource.Open(dir, $"hostile/{r}");
                    foreach (var commit in src.FirstParentHistory()) _ = src.Changes(commit);
                    var snap = src.ReadSnapshot();
                    read += snap.Files.Count;
                    skipped += snap.Skipped.Count;
                    Assert.All(snap.Files, f => Assert.DoesNotContain('\uFFFD', f.Text)); // never a silently replaced byte
                }
                catch (MiningException e)
                {
                    failedRepos++;
                    Assert.Contains("no commits", e.Message); // only the empty git repository may fail, and it says why
                }
            }
            Assert.True(written >= 1000, $"only {written} files written");
            Assert.Equal(written, read + skipped);
            Assert.Equal(1, failedRepos);
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
