using System.Text.Json.Nodes;
using Code2Lora.Adapters;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Tests.Models.Checkpoints;
using TorchSharp;

namespace Code2Lora.Tests.Adapters;

/// <summary>PEFT's adapter_model.safetensors + adapter_config.json: keys, config fields, round trip, refusal of misfits.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class PeftAdapterFilesTests
{
    [Fact]
    public void TrainableAdapterRoundTripsThroughPeftFiles()
    {
        using var dir = new CheckpointTempDir();
        var model = ModelConfigs.Get("tiny-qwen2");
        using var adapter = AdapterFixtures.RandomAdapter(model, AdapterFixtures.Rank4);
        PeftAdapterFiles.Save(dir.Path, adapter, adapter.Config, model, "tiny-qwen2");

        var header = SafeTensors.ReadHeader(dir.File(PeftAdapterFiles.WeightsFile));
        Assert.Equal(2 * 7 * 2, header.Tensors.Count);
        var q = header.Tensors.Single(t => t.Name == "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight");
        Assert.Equal(new long[] { 4, 64 }, q.Shape);
        var down = header.Tensors.Single(t => t.Name == "base_model.model.model.layers.0.mlp.down_proj.lora_B.weight");
        Assert.Equal(new long[] { 64, 4 }, down.Shape);
        var k = header.Tensors.Single(t => t.Name == "base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight");
        Assert.Equal(new long[] { 32, 4 }, k.Shape);   // 2 KV heads × 16

        var json = JsonNode.Parse(File.ReadAllText(dir.File(PeftAdapterFiles.ConfigFile)))!;
        Assert.Equal("LORA", json["peft_type"]!.GetValue<string>());
        Assert.Equal("CAUSAL_LM", json["task_type"]!.GetValue<string>());
        Assert.Equal(4, json["r"]!.GetValue<int>());
        Assert.Equal(8.0, json["lora_alpha"]!.GetValue<double>());
        Assert.Equal("none", json["bias"]!.GetValue<string>());
        Assert.False(json["fan_in_fan_out"]!.GetValue<bool>());
        Assert.Equal(0.0, json["lora_dropout"]!.GetValue<double>());
        Assert.Equal(7, json["target_modules"]!.AsArray().Count);

        using var loaded = PeftAdapterFiles.Load(dir.Path, model);
        Assert.Equal(4, loaded.Config.Rank);
        Assert.Equal(2.0, loaded.Config.Scaling);
        foreach (var ((name, p), (name2, p2)) in adapter.named_parameters().Zip(loaded.named_parameters()))
        {
            Assert.Equal(name, name2);
            Assert.True(AdapterFixtures.SameBytes(p, p2), name);
        }
        // The loaded adapter gives the same logits as the one that was saved, and refuses slots with another α/r.
        using var lm = AdapterFixtures.Model();
        using var ids = AdapterFixtures.Ids(1, 5);
        var slots = LoraSlots.Install(lm, loaded.Config);
        slots.Use(adapter);
        using var saved = lm.Forward(ids);
        slots.Use(loaded);
        using var reloaded = lm.Forward(ids);
        Assert.True(AdapterFixtures.SameBytes(saved, reloaded));
        using var other = AdapterFixtures.Model();
        Assert.Throws<ArgumentException>(() => LoraSlots.Install(other, loaded.Config with { Alpha = 16 }).Use(loaded));
    }

    [Fact]
    public void SharedGeneratedAdapterIsMaterialisedPerLayer()
    {
        using var dir = new CheckpointTempDir();
        var model = ModelConfigs.Get("tiny-qwen2");
        using var generated = AdapterFixtures.RandomGenerated(model, AdapterFixtures.Rank4, batch: 2);
        Assert.Throws<ArgumentException>(() => PeftAdapterFiles.Save(dir.Path, generated, AdapterFixtures.Rank4, model, "tiny"));
        using var row = generated.Row(1);
        PeftAdapterFiles.Save(dir.Path, row, AdapterFixtures.Rank4, model, "tiny");
        using var loaded = PeftAdapterFiles.Load(dir.Path, model);
        for (var layer = 0; layer < 2; layer++)
        {
            Assert.True(AdapterFixtures.SameBytes(loaded.Pair(layer, "gate_proj").A, generated.A["gate_proj"][1]));
            Assert.True(AdapterFixtures.SameBytes(loaded.Pair(layer, "o_proj").B, generated.B["o_proj"][1]));
        }
    }

    [Fact]
    public void FilesThatDoNotFitTheModelAreRefusedByName()
    {
        using var dir = new CheckpointTempDir();
        var qwen2 = ModelConfigs.Get("tiny-qwen2");
        using var adapter = AdapterFixtures.RandomAdapter(qwen2, AdapterFixtures.Rank4);
        PeftAdapterFiles.Save(dir.Path, adapter, adapter.Config, qwen2, "tiny-qwen2");

        // tiny-qwen3 has head_dim 32, so q_proj is 64 → 128 instead of 64 → 64.
        var shape = Assert.Throws<CheckpointException>(() => PeftAdapterFiles.Load(dir.Path, ModelConfigs.Get("tiny-qwen3")));
        Assert.Contains("adapter_model.safetensors", shape.Message);
        Assert.Contains("has shape", shape.Message);
        Assert.Contains("lora_", shape.Message);

        var keys = Assert.Throws<CheckpointException>(() => PeftAdapterFiles.Load(dir.Path, qwen2 with { NumHiddenLayers = 3 }));
        Assert.Contains("14 missing", keys.Message);   // layer 2's seven pairs are absent
        Assert.Contains("layers.2", keys.Message);

        File.WriteAllText(dir.File(PeftAdapterFiles.ConfigFile), """{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj"], "use_dora": true}""");
        var dora = Assert.Throws<CheckpointException>(() => PeftAdapterFiles.Load(dir.Path, qwen2));
        Assert.Contains("DoRA", dora.Message);
    }
}
