using System.Security.Cryptography;
using System.Text.Json;
using Code2Lora.Config;
using Code2Lora.Hyper;
using Code2Lora.Hyper.Released;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Hyper;

/// <summary>The authors' three checkpoint layouts, written by PyTorch's torch.save (scripts/reference/make_released_checkpoints.py,
/// committed under tests/fixtures/released-checkpoints): every tensor arrives byte for byte, the loaded head and GRU reproduce
/// PyTorch's adapters, and files that do not fit say why.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class ReleasedCheckpointTests
{
    private static string Fixtures => Path.Combine(RepoPaths.Root, "tests", "fixtures", "released-checkpoints");
    private static readonly ModelConfig TinyLm = ModelConfig.FromJson(Path.Combine(RepoPaths.Data, "models", "tiny-python-lm", "config.json"));

    private static JsonElement Expected(string name) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, name + ".expected.json"))).RootElement;

    private static string Sha256(Tensor t) => Convert.ToHexStringLower(SHA256.HashData(t.contiguous().cpu().bytes));

    /// <summary>dtype, shape and bytes of every named tensor equal what the script wrote.</summary>
    private static void AssertSameTensors(JsonElement expected, IReadOnlyDictionary<string, Tensor> actual, string prefix)
    {
        var wanted = expected.GetProperty("tensors").EnumerateObject().Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Name[prefix.Length..], p => p.Value);
        Assert.Equal(wanted.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, e) in wanted)
        {
            var t = actual[key];
            Assert.Equal(e.GetProperty("dtype").GetString(), t.dtype == ScalarType.Float32 ? "float32" : t.dtype.ToString());
            Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()), t.shape);
            Assert.True(e.GetProperty("sha256").GetString() == Sha256(t), $"{prefix}{key}: bytes differ from what torch.save wrote");
        }
    }

    private static Tensor Probe(int n, int phase) =>
        torch.tensor(Enumerable.Range(0, n).Select(i => (float)(((i * 7 + phase) % 23 - 11) / 8.0)).ToArray(), [1, n]);

    /// <summary>The head's adapters for <paramref name="context"/> against the script's (A then B per sorted type, float32).</summary>
    private static void AssertSameAdapters(Code2LoraHead head, Tensor context, string name)
    {
        var expected = File.ReadAllBytes(Path.Combine(Fixtures, name + ".adapter.f32"));
        using var noGrad = torch.no_grad();
        var adapter = head.forward(context);
        var flat = head.Config.Lora.SortedTargets.SelectMany(t => new[] { adapter.A[t][0], adapter.B[t][0] })
            .SelectMany(x => x.contiguous().data<float>().ToArray()).ToArray();
        var want = new float[expected.Length / 4];
        Buffer.BlockCopy(expected, 0, want, 0, expected.Length);
        Assert.Equal(want.Length, flat.Length);
        var worst = want.Zip(flat, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-6, $"{name}: largest adapter difference from PyTorch {worst:E2}");
    }

    [Fact]
    public void V2StaticLoadsWithIdenticalTensorsAndReproducesPyTorchsAdapters()
    {
        var ckpt = ReleasedCheckpoint.Read(Path.Combine(Fixtures, "v2_static.pt"));
        Assert.Equal(ReleasedCheckpointFormat.V2Static, ckpt.Format);
        Assert.Equal((2048, 4, 2, 4.0, false), (ckpt.HeadConfig.InputDim, ckpt.HeadConfig.HiddenDim, ckpt.HeadConfig.Lora.Rank, ckpt.HeadConfig.Lora.Alpha, ckpt.HeadConfig.NormalizeInput));
        Assert.Equal(["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"], ckpt.HeadConfig.Lora.SortedTargets);
        Assert.Equal((512, 192), ckpt.TypeDims["down_proj"]);
        Assert.Empty(ckpt.Notes);
        var expected = Expected("v2_static");
        AssertSameTensors(expected, ckpt.HeadState, "");

        using var head = ckpt.CreateHead(TinyLm);
        AssertSameTensors(expected, head.state_dict(), "");
        AssertSameAdapters(head, Probe(2048, 0), "v2_static");
    }

    [Fact]
    public void V1LoadsWithItsNormalisedInputAndAnAssumedAlpha()
    {
        var ckpt = ReleasedCheckpoint.Read(Path.Combine(Fixtures, "v1.pt"));
        Assert.Equal(ReleasedCheckpointFormat.V1, ckpt.Format);
        Assert.True(ckpt.HeadConfig.NormalizeInput);
        Assert.Equal(4.0, ckpt.HeadConfig.Lora.Alpha);
        Assert.Contains(ckpt.Notes, n => n.Contains("α", StringComparison.Ordinal));
        using var head = ckpt.CreateHead(TinyLm);
        AssertSameTensors(Expected("v1"), head.state_dict(), "");
        AssertSameAdapters(head, Probe(2048, 4), "v1");   // the head L2-normalises, as the V1 trainer did before calling it
    }

    [Fact]
    public void GruLoadsBothModulesAndFollowsPyTorchAlongTwoCommits()
    {
        var ckpt = ReleasedCheckpoint.Read(Path.Combine(Fixtures, "gru.pt"));
        Assert.Equal(ReleasedCheckpointFormat.Gru, ckpt.Format);
        Assert.Equal(new CommitGruConfig { DiffDim = 2048, StateDim = 2048, HiddenDim = 8, PerStepInput = CommitGruConfig.Diff }, ckpt.GruConfig);
        var expected = Expected("gru");
        AssertSameTensors(expected, ckpt.GruState!, "gru_state.");
        AssertSameTensors(expected, ckpt.HeadState, "head_state.");

        using var gru = ckpt.CreateGru();
        using var head = ckpt.CreateHead(TinyLm);
        AssertSameTensors(expected, gru.state_dict(), "gru_state.");
        using var noGrad = torch.no_grad();
        var h = gru.InitialState(Probe(2048, 1));
        foreach (var phase in new[] { 2, 3 }) h = gru.Step(h, Probe(2048, phase));
        var context = gru.Context(h);
        var want = expected.GetProperty("context").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
        var got = context[0].data<float>().ToArray();
        Assert.True(want.Zip(got, (a, b) => Math.Abs(a - b)).Max() < 1e-5, $"GRU context {string.Join(", ", got)} vs {string.Join(", ", want)}");
        AssertSameAdapters(head, context, "gru");
    }

    [Fact]
    public void GruBecomesThisPackagesEvoFilesUnchanged()
    {
        var dir = Directory.CreateTempSubdirectory("c2l-evo-").FullName;
        try
        {
            ReleasedCheckpoint.Read(Path.Combine(Fixtures, "gru.pt")).SaveAsEvo(dir, TinyLm, "released-v2");
            var (gru, head) = EvoFiles.Load(dir, TinyLm, "released-v2");
            using (gru) using (head)
            {
                AssertSameTensors(Expected("gru"), gru.state_dict(), "gru_state.");
                AssertSameTensors(Expected("gru"), head.state_dict(), "head_state.");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void HeadForAnotherBaseModelIsRefusedNamingTheShapes()
    {
        var ckpt = ReleasedCheckpoint.Read(Path.Combine(Fixtures, "v2_static.pt"));
        var e = Assert.Throws<CheckpointException>(() => ckpt.CreateHead(ModelConfigs.Get("qwen2.5-coder-1.5b")));
        Assert.Contains("v2_static.pt", e.Message);
        Assert.Contains("q_proj 192→192 in the checkpoint, 1536→1536 in the base model", e.Message);
        Assert.Contains("--base-model", e.Message);
        Assert.Contains("has no GRU", Assert.Throws<CheckpointException>(() => ckpt.CreateGru()).Message);
    }

    [Fact]
    public void MultiTaskHeadIsRefusedWithTheReason()
    {
        var e = Assert.Throws<CheckpointException>(() => ReleasedCheckpoint.Read(Path.Combine(Fixtures, "v2_multitask.pt")));
        Assert.Contains("v2_multitask.pt", e.Message);
        Assert.Contains("num_tasks = 2", e.Message);
    }

    [Fact]
    public void FilesThatAreNotTheAuthorsCheckpointsSayWhat()
    {
        var dir = Directory.CreateTempSubdirectory("c2l-ckpt-").FullName;
        try
        {
            // A flat state dict (what torch.save(model.state_dict()) writes): readable, but none of the three layouts.
            var flat = Path.Combine(dir, "flat.pt");
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(flat, new Dictionary<string, Tensor> { ["trunk.0.weight"] = torch.ones(2, 2) });
            var e = Assert.Throws<CheckpointException>(() => ReleasedCheckpoint.Read(flat));
            Assert.Contains("trunk.0.weight", e.Message);
            Assert.Contains("hypernet_state_dict", e.Message);

            var junk = Path.Combine(dir, "junk.pt");
            File.WriteAllText(junk, "not a zip");
            Assert.Contains("junk.pt", Assert.Throws<CheckpointException>(() => ReleasedCheckpoint.Read(junk)).Message);
            Assert.Contains("no such file", Assert.Throws<CheckpointException>(() => ReleasedCheckpoint.Read(Path.Combine(dir, "none.pt"))).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
