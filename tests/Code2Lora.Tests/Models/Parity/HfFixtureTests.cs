using Code2Lora.Config;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Xunit.Abstractions;

namespace Code2Lora.Tests.Models.Parity;

/// <summary>Runs only when tests/fixtures/hf exists (made by scripts/reference/make_hf_fixtures.py where transformers is installed).</summary>
public sealed class HfFixturesFactAttribute : FactAttribute
{
    /// <summary>Skips with the reason and the command when the fixtures are absent.</summary>
    public HfFixturesFactAttribute()
    {
        if (!Directory.Exists(HfFixtureTests.Root))
            Skip = "no tests/fixtures/hf: run `python scripts/reference/make_hf_fixtures.py` on a machine with transformers, then commit the folder.";
    }
}

/// <summary>Hugging Face transformers' own Qwen2/Qwen3 as the reference: each fixture directory (save_pretrained output plus
/// inputs and expected logits/greedy tokens) is loaded with our config reader and strict state-dict loader and compared.</summary>
public class HfFixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>tests/fixtures/hf of this checkout.</summary>
    public static string Root => Path.Combine(RepoPaths.Root, "tests", "fixtures", "hf");

    [HfFixturesFact]
    public void EveryFixtureMatchesOurLoaderAndDecoder()
    {
        var dirs = Directory.GetDirectories(Root).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(dirs);
        foreach (var dir in dirs) CheckFixture(dir);
    }

    /// <summary>Loads one fixture directory like a user would and compares every case.</summary>
    internal void CheckFixture(string dir)
    {
        var name = Path.GetFileName(dir);
        var config = ModelConfig.FromJson(Path.Combine(dir, "config.json"));
        using var model = new DecoderLM(config, TorchSharp.torch.CPU);
        var weights = CheckpointFiles.LoadDirectory(dir);
        try
        {
            // Older writers keep a copy of a tied head; HF's loader ignores it and so do we.
            StateDictLoader.Load(model, weights, strict: true, rename: k => config.TieWordEmbeddings && k == "lm_head.weight" ? null : k);
        }
        finally { foreach (var t in weights.Values) t.Dispose(); }

        var expected = ReferenceOutput.Read(dir, "expected.json");
        var cases = ReferenceCase.FromInputJson(Path.Combine(dir, "inputs.json"));
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            Assert.True(expected.ContainsKey(c.Name), $"{dir}: expected.json has no case '{c.Name}'.");
            var (diff, greedy) = ParityCheck.Run(model, c, expected[c.Name]);
            output.WriteLine($"{name} {c.Name}: max |Δlogit| = {diff:E2}");
            Assert.True(diff <= Tolerance, $"{name} case '{c.Name}': max |Δlogit| {diff:E3} > {Tolerance:E0}");
            Assert.Equal(expected[c.Name].Greedy, greedy);
        }
    }
}
