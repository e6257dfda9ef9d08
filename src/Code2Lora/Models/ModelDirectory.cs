using Code2Lora.Hub;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Models.Tokenization;
using Code2Lora.Runtime;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Loads and saves a Hugging Face style model directory: config.json, model.safetensors (or shards + index), tokenizer.json.</summary>
public static class ModelDirectory
{
    /// <summary>The config file name.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The tokenizer file name.</summary>
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>Reads the directory (or the cached snapshot of a Hub id, see <see cref="Resolve"/>), checks that its parts fit together,
    /// and loads the weights strictly into a new decoder.</summary>
    /// <exception cref="CheckpointException">A file is missing or malformed, or the parts disagree; the message names the directory and the problem.</exception>
    public static LoadedModel Load(string dir, Device? device = null, ScalarType dtype = ScalarType.Float32, string? hubCache = null)
    {
        var named = dir;
        dir = Resolve(dir, hubCache);
        var config = ReadConfig(dir);
        var tokenizerPath = Path.Combine(dir, TokenizerFileName);
        ByteLevelBpeTokenizer tokenizer;
        try
        {
            tokenizer = ByteLevelBpeTokenizer.Load(tokenizerPath);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CheckpointException(tokenizerPath, $"tokenizer is not usable: {e.Message}", e);
        }
        // Model vocabularies may be padded past the tokenizer (Qwen2.5: 151,936 rows for 151,665 ids), never the reverse.
        if (tokenizer.VocabSize > config.VocabSize)
            throw new CheckpointException(dir, $"{TokenizerFileName} has {tokenizer.VocabSize} ids but {ConfigFileName} vocab_size is {config.VocabSize}: ids past the embedding would crash the model.");

        var single = Path.Combine(dir, CheckpointFiles.SingleFileName);
        var metadata = File.Exists(single) ? SafeTensors.ReadHeader(single).Metadata : new Dictionary<string, string>();
        var weights = CheckpointFiles.LoadDirectory(dir);
        DecoderLM? model = null;
        try
        {
            model = new DecoderLM(config, device, dtype);
            StateDictLoader.Load(model, weights);
            return new LoadedModel(model, tokenizer, config, dir) { Metadata = metadata, HubId = dir == named ? null : named };
        }
        catch (CheckpointException e) when (e.FilePath is null)
        {
            model?.Dispose();
            throw new CheckpointException(dir, $"weights do not fit {ConfigFileName} ({config.Describe()}): {e.Message}", e);
        }
        catch
        {
            model?.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Checks a model directory without reading any weights: config.json is usable, tokenizer.json is there, and every
    /// weights file's header is whole. Commands call it before long work that ends in <see cref="Load"/>.</summary>
    /// <exception cref="CheckpointException">As <see cref="Load"/> would throw it for a missing or damaged part.</exception>
    public static ModelConfig Check(string dir)
    {
        dir = Resolve(dir);
        var config = ReadConfig(dir);
        CheckpointFiles.CheckDirectory(dir);
        return config;
    }

    /// <summary>How adapters trained on the model in <paramref name="dir"/> name it: the Hugging Face Hub id that config.json records
    /// as "_name_or_path" (as transformers writes it for a downloaded model) when it is one, else the directory's full path, so
    /// PEFT and vLLM can find the base either way.</summary>
    public static string NameOrPath(string dir)
    {
        var full = Path.GetFullPath(dir);
        try
        {
            var recorded = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(full, ConfigFileName)))?["_name_or_path"];
            if (recorded is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var id) && IsHubId(id)) return id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException) { }
        return full;
    }

    /// <summary>A Hub id ("owner/name"), not a relative path such as "models/tiny-python-lm" that exists here.</summary>
    private static bool IsHubId(string id) => HubRepo.LooksLikeNamespacedId(id) && !System.IO.Directory.Exists(id);

    /// <summary>config.json of <paramref name="dir"/>, after checking that the directory, its config and its tokenizer file exist.</summary>
    private static ModelConfig ReadConfig(string dir)
    {
        if (!System.IO.Directory.Exists(dir)) throw new CheckpointException(dir, "model directory not found.");
        var configPath = Path.Combine(dir, ConfigFileName);
        if (!File.Exists(configPath)) throw new CheckpointException(dir, $"{ConfigFileName} is missing: not a model directory.");
        if (!File.Exists(Path.Combine(dir, TokenizerFileName))) throw new CheckpointException(dir, $"{TokenizerFileName} is missing.");
        try
        {
            return ModelConfig.FromJson(configPath);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException
                                      or System.Text.Json.JsonException)
        {
            throw new CheckpointException(configPath, $"config is not usable: {e.Message}", e);
        }
    }

    /// <summary>The model directory to read: <paramref name="dirOrHubId"/> itself when it is a directory, else, for a Hub id such as
    /// "Qwen/Qwen2.5-Coder-1.5B", its snapshot at refs/main in the huggingface_hub cache (<paramref name="hubCache"/>, by default
    /// HF_HUB_CACHE or HF_HOME/hub), as transformers resolves it offline.</summary>
    /// <exception cref="CheckpointException">Neither a directory nor a cached Hub model; the message gives the `c2l hub download` command.</exception>
    public static string Resolve(string dirOrHubId, string? hubCache = null)
    {
        if (System.IO.Directory.Exists(dirOrHubId)) return dirOrHubId;
        if (!HubRepo.LooksLikeNamespacedId(dirOrHubId)) throw new CheckpointException(dirOrHubId, "model directory not found.");
        var repo = HubRepo.Create(dirOrHubId);
        var cache = new HubCache(hubCache ?? HubSettings.FromEnvironment().CacheDirectory);
        return cache.FindSnapshot(repo) ?? throw new CheckpointException(dirOrHubId,
            $"model directory not found, and the Hub model {repo.Id} is not in the Hugging Face cache {cache.Root}. "
            + $"Download it with: {new HubDownloadRequest(repo).Command(cache.Root)}");
    }

    /// <summary>Writes config.json, model.safetensors (with <paramref name="metadata"/> as its "__metadata__") and tokenizer.json, each atomically.</summary>
    /// <remarks>The output is a pure function of its inputs, so loading a saved directory and saving it again gives identical bytes.
    /// Weights files of a sharded layout left in <paramref name="dir"/> are removed.</remarks>
    public static void Save(string dir, DecoderLM model, ByteLevelBpeTokenizer tokenizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new CheckpointException(dir, $"the tokenizer has {tokenizer.VocabSize} ids but the model's vocab_size is {model.Config.VocabSize}.");
        System.IO.Directory.CreateDirectory(dir);
        var state = model.state_dict();
        CheckpointFiles.SaveSharded(dir, state, long.MaxValue, metadata);
        tokenizer.Save(Path.Combine(dir, TokenizerFileName));
        AtomicFile.WriteText(Path.Combine(dir, ConfigFileName), model.Config.ToJson() + "\n");
    }
}
