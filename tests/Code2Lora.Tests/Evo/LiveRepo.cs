using LibGit2Sharp;

namespace Code2Lora.Tests.Evo;

/// <summary>A small Python repository written by the test through LibGit2Sharp: a calculator package whose tests gain assertions
/// over time. Commits are dated one day apart so shas are the same on every run.</summary>
internal sealed class LiveRepo : IDisposable
{
    private readonly Forge.TempDir _dir = new();
    private readonly Repository _repo;
    private int _day;

    public LiveRepo()
    {
        Path = _dir.Sub("calc");
        Repository.Init(Path);
        _repo = new Repository(Path);
    }

    public string Path { get; }

    /// <summary>The folder of the temp tree (for state folders and non-repositories).</summary>
    public string Scratch(string name) => Directory.CreateDirectory(_dir.Sub(name)).FullName;

    /// <summary>Writes the files (null deletes) and commits; returns the sha.</summary>
    public string Commit(string message, params (string Path, string? Text)[] files)
    {
        foreach (var (path, text) in files)
        {
            var full = System.IO.Path.Combine(Path, path);
            if (text is null) { File.Delete(full); continue; }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        Commands.Stage(_repo, "*");
        var sig = Signature();
        return _repo.Commit(message, sig, sig, new CommitOptions { AllowEmptyCommit = true }).Sha;
    }

    /// <summary>Replaces HEAD by a commit with other files (git commit --amend).</summary>
    public string Amend(string message, params (string Path, string? Text)[] files)
    {
        foreach (var (path, text) in files) File.WriteAllText(System.IO.Path.Combine(Path, path), text);
        Commands.Stage(_repo, "*");
        var sig = Signature();
        return _repo.Commit(message, sig, sig, new CommitOptions { AmendPreviousCommit = true }).Sha;
    }

    /// <summary>git reset --hard HEAD~1.</summary>
    public void ResetToParent() => _repo.Reset(ResetMode.Hard, _repo.Head.Tip.Parents.First());

    /// <summary>The five-commit history of the tests: kept, not kept (code only), kept, kept, not kept (docs only).</summary>
    public IReadOnlyList<string> CommitBaseHistory() =>
    [
        Commit("calc with add", ("pkg/calc.py", Calc("add")), ("README.md", "# calc\n"),
            ("tests/test_calc.py", Tests("assert add(1, 2) == 3"))),
        Commit("mul", ("pkg/calc.py", Calc("add", "mul"))),
        Commit("test mul", ("tests/test_calc.py", Tests("assert add(1, 2) == 3", "assert mul(2, 3) == 6"))),
        Commit("sub", ("pkg/calc.py", Calc("add", "mul", "sub")),
            ("tests/test_calc.py", Tests("assert add(1, 2) == 3", "assert mul(2, 3) == 6", "assert sub(3, 1) == 2"))),
        Commit("docs", ("README.md", "# calc\n\nAdds, multiplies and subtracts.\n")),
    ];

    /// <summary>The calculator module with the given operations.</summary>
    public static string Calc(params string[] ops) => string.Concat(ops.Select(op => op switch
    {
        "add" => "def add(a, b):\n    return a + b\n\n\n",
        "mul" => "def mul(a, b):\n    return a * b\n\n\n",
        "sub" => "def sub(a, b):\n    return a - b\n\n\n",
        "div" => "def div(a, b):\n    return a / b\n\n\n",
        _ => throw new ArgumentException(op),
    }));

    /// <summary>A test module with one test per assertion.</summary>
    public static string Tests(params string[] asserts) =>
        "from pkg.calc import *\n\n\n" + string.Concat(asserts.Select((a, i) => $"def test_{i}():\n    {a}\n\n\n"));

    private Signature Signature() => new("Test", "test@example.org", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(_day++));

    public void Dispose()
    {
        _repo.Dispose();
        _dir.Dispose();
    }
}
