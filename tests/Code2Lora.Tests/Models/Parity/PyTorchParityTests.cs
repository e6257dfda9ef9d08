using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Tests.Models.Checkpoints;
using TorchSharp;
using Xunit.Abstractions;

namespace Code2Lora.Tests.Models.Parity;

/// <summary>The TorchSharp decoder against a plain-PyTorch re-implementation of HF Qwen2/Qwen3 (scripts/reference/qwen_reference.py):
/// same weights through our safetensors writer, fp32 logits within 1e-4 on real positions, identical greedy tokens.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class PyTorchParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void LogitsAndGreedyTokensMatchPyTorch(string name)
    {
        using var dir = new CheckpointTempDir();
        using var model = Seeded(ModelConfigs.Get(name), seed: 20241);
        var modelDir = Path.Combine(dir.Path, "model");
        Directory.CreateDirectory(modelDir);
        File.WriteAllText(Path.Combine(modelDir, "config.json"), model.Config.ToJson());
        SafeTensors.Save(Path.Combine(modelDir, CheckpointFiles.SingleFileName), model.state_dict());
        File.WriteAllText(dir.File("inputs.json"), ReferenceCase.ToInputJson(ReferenceCase.Standard));

        PyTorchReference.Run(modelDir, dir.File("inputs.json"), dir.File("out"));

        var reference = ReferenceOutput.Read(dir.File("out"));
        foreach (var c in ReferenceCase.Standard)
        {
            var (diff, greedy) = ParityCheck.Run(model, c, reference[c.Name]);
            output.WriteLine($"{name} {c.Name}: max |Δlogit| = {diff:E2}; greedy {string.Join(" | ", greedy.Select(g => string.Join(",", g)))}");
            Assert.True(diff <= Tolerance, $"{name} case '{c.Name}': max |Δlogit| {diff:E3} > {Tolerance:E0}");
            Assert.Equal(reference[c.Name].Greedy, greedy);
            Assert.All(greedy, g => Assert.Equal(c.GreedyNewTokens, g.Length));
        }
    }

    /// <summary>A seeded model whose weights are scaled so every component moves the logits by O(1): with HF's 0.02 init,
    /// attention is almost uniform and a RoPE or mask mistake can hide below the tolerance.</summary>
    internal static DecoderLM Seeded(ModelConfig config, int seed)
    {
        torch.manual_seed(seed);
        var model = new DecoderLM(config, torch.CPU);
        using var noGrad = torch.no_grad();
        foreach (var (key, p) in model.named_parameters())
        {
            using var noise = torch.randn_like(p);
            if (key.EndsWith("norm.weight", StringComparison.Ordinal)) p.copy_(noise * 0.2 + 1.0);
            else if (key.EndsWith(".bias", StringComparison.Ordinal)) p.copy_(noise * 0.5);
            else if (key == "model.embed_tokens.weight") p.copy_(noise * 0.5);
            else p.copy_(noise / Math.Sqrt(p.shape[1]) * 1.5);
        }
        return model;
    }
}
