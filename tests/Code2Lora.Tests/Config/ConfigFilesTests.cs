using System.Text.Json.Nodes;
using Code2Lora.Config;
using Code2Lora.Experiments;
using Code2Lora.Runtime;
using Code2Lora.Training.Pretrain;

namespace Code2Lora.Tests.Config;

public class ConfigFilesTests
{
    public static TheoryData<string, string> ShippedFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in ConfigFiles.Kinds)
            foreach (var name in ConfigFiles.Available(kind)) data.Add(kind, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void EveryShippedFileLoadsAndListsEveryField(string kind, string name)
    {
        var loaded = ConfigFiles.LoadBoxed(kind, name);
        // The file is the whole truth: every field the record has is written out (no silent C# default), and nothing else.
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "configs", kind, name + ".json")))!;
        StripNotes(file);
        Assert.True(SameJson(file, JsonNode.Parse(loaded.Json)!, out var where), $"configs/{kind}/{name}.json differs from its typed view at {where}");
        Assert.Equal(name, JsonNode.Parse(loaded.Json)!["name"]!.GetValue<string>());
        Assert.Equal(64, loaded.Sha256.Length);
    }

    [Fact]
    public void PaperStaticFileHoldsThePapersValues()
    {
        var c = StaticExperimentConfig.Paper;
        Assert.Equal(("Qwen/Qwen2.5-Coder-1.5B", "Qwen/Qwen3-Embedding-0.6B"), (c.BaseModel, c.EncoderModel));
        Assert.Equal((16, 32.0, 512), (c.Lora.Rank, c.Lora.Alpha, c.HeadHidden));
        Assert.Equal((8192, 128, 1, 3.0), (c.MaxTokens, c.MaxNewTokens, c.BatchSize, c.StaticEpochs));
        Assert.Equal((1e-4, 0.01, 0.03, 5.0, 8), (c.StaticTraining.LearningRate, c.StaticTraining.WeightDecay, c.StaticTraining.WarmupRatio,
            c.StaticTraining.MaxGradNorm, c.StaticTraining.GradientAccumulation));
        Assert.Equal((1000, 1000, 3407), (c.StaticTraining.EvalEvery, c.StaticTraining.CheckpointEvery, c.Seed));
        Assert.False(c.StandardizeContexts || c.PerLayerHead);
        Assert.Equal((5e-5, 5.0), (c.SingleLoraTraining.LearningRate, c.SingleLoraEpochs));
        Assert.Equal((2e-5, 2e-4), (c.FftTraining.LearningRate, c.PerRepoLoraTraining.LearningRate));
        Assert.Equal((512, 64, 300, 3), (c.Rag.ChunkTokens, c.Rag.Overlap, c.Rag.MaxChunksPerRepo, c.Rag.K));
        Assert.Equal(0, c.EvalTasksPerSplit);

        var e = EvoExperimentConfig.Paper;
        Assert.Equal((5e-5, 1.0, 3.0), (e.Training.LearningRate, e.Training.MaxGradNorm, e.Epochs));
        Assert.Equal((2048, 1024, 4096, 64), (e.GruHidden, e.HeadHidden, e.MaxTokens, e.MaxNewTokens));
        Assert.Equal((8, 16), (e.Walk.MaxTasksPerUpdate, e.Walk.BpttWindow));
        Assert.Contains("§7.7", ConfigFiles.Load<EvoExperimentConfig>("evo", "paper").Notes["_training"]);
    }

    [Fact]
    public void UnknownKeyNamesFileKeyAndNearestName()
    {
        var file = Temp("""{ "name": "x", "static_training": { "steps": 1, "learning_rat": 0.1 } }""");
        var e = Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", file));
        Assert.Contains(Path.GetFileName(file), e.Message);
        Assert.Equal("static_training.learning_rat", e.Key);
        Assert.Contains("did you mean 'learning_rate'", e.Message);
    }

    [Theory]
    [InlineData("""{ "name": "x", "max_tokens": "many" }""", "max_tokens", "whole number")]
    [InlineData("""{ "name": "x", "max_tokens": 1.5 }""", "max_tokens", "whole number")]
    [InlineData("""{ "name": "x", "per_layer_head": 1 }""", "per_layer_head", "true or false")]
    [InlineData("""{ "name": "x", "lora": [] }""", "lora", "an object")]
    [InlineData("""{ "name": "x", "prompt_boundary": "sideways" }""", "prompt_boundary", "healed")]
    [InlineData("""{ "name": "x", "static_training": { "steps": 1, "precision": "fp16" } }""", "static_training", "fp16")]
    [InlineData("""{ "name": "x", "lora": { "rank": 0 } }""", "lora", "rank must be positive")]
    [InlineData("""{ "name": "x", "max_tokens": 256, }""", "", "")]
    public void BadValuesNameTheKey(string json, string key, string said)
    {
        var file = Temp(json);
        var e = Record.Exception(() => ConfigFiles.Load<StaticExperimentConfig>("static", file));
        if (key == "") { Assert.Null(e); return; }   // trailing commas and comments are accepted, as in hand-edited files
        var c = Assert.IsType<ConfigException>(e);
        Assert.Equal(key, c.Key);
        Assert.Contains(said, c.Message);
        Assert.Contains(Path.GetFileName(file), c.Message);
    }

    [Fact]
    public void BrokenJsonAndMissingFilesAreClearErrors()
    {
        var broken = Temp("{ \"name\": \"x\",\n  \"lora\": { \"rank\": 8 \n}");
        Assert.Contains("is not valid JSON (line", Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", broken)).Message);
        var binary = Temp("");
        File.WriteAllBytes(binary, [0x7b, 0xff, 0xfe, 0x7d]);
        Assert.Contains("not UTF-8", Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", binary)).Message);
        Assert.Contains("no such config file", Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", "/nonexistent/x.json")).Message);
        var unknown = Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", "huge"));
        Assert.Contains("known presets: paper, smoke, tiny", unknown.Message);
        Assert.Contains("'name'", Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", Temp("{}"))).Message);
    }

    [Fact]
    public void OverridesChangeTheValueAndKeyTheRunByTheResolvedConfig()
    {
        var a = ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["static_training.learning_rate=5e-4", "lora.rank=4"]);
        Assert.Equal((5e-4, 4), (a.Value.StaticTraining.LearningRate, a.Value.Lora.Rank));
        Assert.StartsWith("smoke-", a.Value.Name);
        // The same overrides give the same run (so it resumes); others another one; a no-op override or the device keeps the preset's.
        Assert.Equal(a.Value.Name, ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.rank=4", "static_training.learning_rate=0.0005"]).Value.Name);
        Assert.NotEqual(a.Value.Name, ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.rank=4"]).Value.Name);
        Assert.Equal("smoke", ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", [$"seed={StaticExperimentConfig.Smoke.Seed}"]).Value.Name);
        Assert.Equal("smoke", ConfigFiles.Load<PretrainConfig>("pretrain", "smoke", ["device=cpu"]).Value.Name);
        Assert.Equal("mine", ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.rank=4", "name=mine"]).Value.Name);
        // Bare text for string fields, JSON for the rest, list items by index.
        Assert.Equal("cuda:1", ConfigFiles.Load<PretrainConfig>("pretrain", "smoke", ["device=cuda:1"]).Value.Device);
        Assert.Equal(["q_proj", "v_proj"], ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.target_modules=[\"q_proj\",\"v_proj\"]"]).Value.Lora.TargetModules);
        Assert.Equal(["q_proj", "k_proj"], ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.target_modules=[\"q_proj\",\"v_proj\"]", "lora.target_modules.1=k_proj"]).Value.Lora.TargetModules);
        var bad = Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.rnak=4"]));
        Assert.Equal(("--set", "lora.rnak"), (bad.Origin, bad.Key));
        Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.rank"]));
        Assert.Throws<ConfigException>(() => ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["lora.target_modules.9=k_proj"]));
    }

    [Fact]
    public void LinksResolveFromTheReferringFileAndTheResolvedConfigIsSavedWithItsSource()
    {
        var dir = Directory.CreateTempSubdirectory("c2l-cfg-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "bench"));
        File.WriteAllText(Path.Combine(dir, "bench", "mine.json"), ConfigFiles.Canonical(Presets.Smoke with { Name = "mine" }));
        File.WriteAllText(Path.Combine(dir, "static.json"), """{ "name": "s", "bench": "bench/mine.json" }""");
        var loaded = ConfigFiles.Load<StaticExperimentConfig>("static", Path.Combine(dir, "static.json"), ["seed=7"]);
        var bench = loaded.Linked<Preset>("bench", loaded.Value.Bench);
        Assert.Equal(("mine", 4), (bench.Value.Name, bench.Value.Forge!.Repos));
        Assert.Equal("smoke", loaded.Linked<Preset>("bench", "smoke").Value.Name);

        var saved = JsonNode.Parse(File.ReadAllText(loaded.Save(Path.Combine(dir, "run"))))!;
        Assert.EndsWith("static.json --set seed=7", saved["_resolved_from"]!.GetValue<string>());
        Assert.Equal(7, saved["seed"]!.GetValue<int>());
        // A saved config is itself a config file that resolves to the same run.
        Assert.Equal(loaded.Json, ConfigFiles.Load<StaticExperimentConfig>("static", Path.Combine(dir, "run", "static.config.json")).Json);
    }

    [Fact]
    public async Task ProvenanceNamesTheConfigsARunResolved()
    {
        await Task.Run(() =>
        {
            Assert.Null(Provenance.Capture("test").Configs);
            RunConfigs.Record(ConfigFiles.Load<StaticExperimentConfig>("static", "smoke", ["seed=5"]).Stamp);
            var stamp = Assert.Single(Provenance.Capture("test").Configs!);
            Assert.Equal(("static", "configs/static/smoke.json", "seed=5"), (stamp.Kind, stamp.Source, stamp.Overrides.Single()));
        });
    }

    [Fact]
    public void ConditioningVariantsAreOverridesOfTheStaticConfig()
    {
        var study = ConditioningStudyConfig.Get("smoke");
        Assert.Equal("smoke", study.Static);
        var paper = study.ToVariants().Single(v => v.Name == "paper").Apply(StaticExperimentConfig.Smoke);
        Assert.False(paper.StandardizeContexts || paper.PerLayerHead);
        Assert.Equal(ConfigFiles.Canonical(StaticExperimentConfig.Smoke with { StandardizeContexts = false, PerLayerHead = false }), ConfigFiles.Canonical(paper));
        var twice = Temp("""{ "name": "c", "variants": [ { "name": "a" }, { "name": "a" } ] }""");
        Assert.Contains("listed twice", Assert.Throws<ConfigException>(() => ConfigFiles.Load<ConditioningStudyConfig>("conditioning", twice)).Message);
    }

    private static string Temp(string json)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("c2l-cfg-").FullName, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static void StripNotes(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Select(kv => kv.Key).Where(k => k.StartsWith('_')).ToList()) o.Remove(key);
            foreach (var (_, child) in o) if (child is not null) StripNotes(child);
        }
        else if (node is JsonArray a) foreach (var child in a) if (child is not null) StripNotes(child);
    }

    /// <summary>Structural equality with numbers compared by value (1E-08 == 1e-08).</summary>
    private static bool SameJson(JsonNode? a, JsonNode? b, out string where, string path = "$")
    {
        where = path;
        switch (a, b)
        {
            case (null, null): return true;
            case (JsonObject x, JsonObject y):
                if (!x.Select(kv => kv.Key).Order().SequenceEqual(y.Select(kv => kv.Key).Order()))
                {
                    where = $"{path} (keys: file has [{string.Join(", ", x.Select(kv => kv.Key).Except(y.Select(kv => kv.Key)))}], record has [{string.Join(", ", y.Select(kv => kv.Key).Except(x.Select(kv => kv.Key)))}] more)";
                    return false;
                }
                foreach (var (k, v) in x) if (!SameJson(v, y[k], out where, $"{path}.{k}")) return false;
                return true;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count) return false;
                for (int i = 0; i < x.Count; i++) if (!SameJson(x[i], y[i], out where, $"{path}[{i}]")) return false;
                return true;
            case (JsonValue x, JsonValue y):
                if (x.GetValueKind() == System.Text.Json.JsonValueKind.Number && y.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                    return x.GetValue<double>() == y.GetValue<double>();
                return x.ToJsonString() == y.ToJsonString();
            default: return false;
        }
    }
}
