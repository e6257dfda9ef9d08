using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Experiments;
using LibGit2Sharp;

namespace Code2Lora.Tests.Cli;

/// <summary>The bad inputs a new user hands the command line, made once per test class in a temp folder: repositories that are
/// missing, empty, not git or without commits; model directories with truncated or random weights or no model at all; a
/// benchmark with a truncated Parquet file; a folder nothing can be written into; an untrained Evo model for the verbs that
/// need one before they look at the repository.</summary>
public sealed class BadInputs : IDisposable
{
    public BadInputs()
    {
        Root = Directory.CreateTempSubdirectory("c2l-bad-").FullName;
        Directory.CreateDirectory(Empty);
        Directory.CreateDirectory(NonGit);
        File.WriteAllText(Path.Combine(NonGit, "app.py"), "def answer():\n    return 42\n");
        Repository.Init(Unborn);

        var shipped = Path.GetFullPath(FrozenBase.Locate(StaticExperimentConfig.Smoke.BaseModel));
        foreach (var (dir, weights) in new[] { (TruncatedModel, Truncated(Path.Combine(shipped, "model.safetensors"))), (RandomModel, RandomBytes(4096)) })
        {
            Directory.CreateDirectory(dir);
            foreach (var f in new[] { "config.json", "tokenizer.json" }) File.Copy(Path.Combine(shipped, f), Path.Combine(dir, f));
            File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), weights);
        }

        // A benchmark folder whose first table is cut in half, as a full disk or an interrupted copy leaves it.
        Directory.CreateDirectory(TruncatedBench);
        File.WriteAllText(Path.Combine(TruncatedBench, "manifest.json"), "{}");
        var table = Path.Combine(TruncatedBench, "static", "qna", "train.parquet");
        ParquetTable.WriteAsync(table, Enumerable.Range(0, 50).Select(i => new QnaRow { RepoId = "r", Prefix = $"x = {i}\nassert x ==", Target = $" {i}" }).ToList())
            .GetAwaiter().GetResult();
        File.WriteAllBytes(table, Truncated(table));
        Directory.CreateDirectory(ManifestOnlyBench);
        File.WriteAllText(Path.Combine(ManifestOnlyBench, "manifest.json"), "{}");

        File.WriteAllText(Blocker, "a file, so nothing can be created below it");
        File.WriteAllBytes(RandomNotebook, RandomBytes(300));
        File.WriteAllBytes(RandomConfig, RandomBytes(300));

        var config = EvoExperimentConfig.Smoke;
        var lm = FrozenBase.Load(config.BaseModel);
        EvoUpdateSpeed.SaveUntrained(config, lm, EvoModel);
        lm.Model.Dispose();
    }

    public string Root { get; }
    public string Missing => Path.Combine(Root, "no-such-folder");
    public string Empty => Path.Combine(Root, "empty");
    public string NonGit => Path.Combine(Root, "plain-code");
    public string Unborn => Path.Combine(Root, "unborn-git");
    public string TruncatedModel => Path.Combine(Root, "model-truncated");
    public string RandomModel => Path.Combine(Root, "model-random");
    public string TruncatedBench => Path.Combine(Root, "bench-truncated");
    public string TruncatedTable => Path.Combine(TruncatedBench, "static", "qna", "train.parquet");
    public string ManifestOnlyBench => Path.Combine(Root, "bench-manifest-only");
    public string Blocker => Path.Combine(Root, "blocker");
    /// <summary>An output folder that cannot be created: its parent is a file (unwritable for root too).</summary>
    public string Unwritable => Path.Combine(Blocker, "out");
    public string RandomNotebook => Path.Combine(Root, "random.ipynb");
    public string RandomConfig => Path.Combine(Root, "random-config.json");
    public string EvoModel => Path.Combine(Root, "evo-untrained");
    /// <summary>A fresh folder a run may write into.</summary>
    public string Scratch(string name) => Path.Combine(Root, "scratch", name);

    /// <summary>Replaces {placeholders} in a command template with these paths.</summary>
    public string[] Expand(string[] template) => template.Select(a => a
        .Replace("{missing}", Missing).Replace("{empty}", Empty).Replace("{nongit}", NonGit).Replace("{unborn}", Unborn)
        .Replace("{trunc-model}", TruncatedModel).Replace("{random-model}", RandomModel).Replace("{trunc-bench}", TruncatedBench)
        .Replace("{trunc-table}", TruncatedTable).Replace("{manifest-bench}", ManifestOnlyBench).Replace("{unwritable}", Unwritable)
        .Replace("{random-notebook}", RandomNotebook).Replace("{random-config}", RandomConfig).Replace("{evo-model}", EvoModel)
        .Replace("{scratch}", Scratch(Guid.NewGuid().ToString("N")[..8]))).ToArray();

    private static byte[] Truncated(string file)
    {
        var bytes = File.ReadAllBytes(file);
        return bytes[..(bytes.Length / 2)];
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(18).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
