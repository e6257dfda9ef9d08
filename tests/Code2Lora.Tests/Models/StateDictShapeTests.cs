using Code2Lora.Models;
using TorchSharp;

namespace Code2Lora.Tests.Models;

/// <summary>Approval of parameter names and shapes: they must be the Hugging Face checkpoint keys so loading is by name.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class StateDictShapeTests
{
    private static string Describe(DecoderLM model) => string.Join("\n",
        model.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]").Order(StringComparer.Ordinal));

    private static string Layer(int i, bool qwen3) => qwen3
        ? $"""
          model.layers.{i}.input_layernorm.weight [64]
          model.layers.{i}.mlp.down_proj.weight [64, 128]
          model.layers.{i}.mlp.gate_proj.weight [128, 64]
          model.layers.{i}.mlp.up_proj.weight [128, 64]
          model.layers.{i}.post_attention_layernorm.weight [64]
          model.layers.{i}.self_attn.k_norm.weight [32]
          model.layers.{i}.self_attn.k_proj.weight [64, 64]
          model.layers.{i}.self_attn.o_proj.weight [64, 128]
          model.layers.{i}.self_attn.q_norm.weight [32]
          model.layers.{i}.self_attn.q_proj.weight [128, 64]
          model.layers.{i}.self_attn.v_proj.weight [64, 64]
          """
        : $"""
          model.layers.{i}.input_layernorm.weight [64]
          model.layers.{i}.mlp.down_proj.weight [64, 128]
          model.layers.{i}.mlp.gate_proj.weight [128, 64]
          model.layers.{i}.mlp.up_proj.weight [128, 64]
          model.layers.{i}.post_attention_layernorm.weight [64]
          model.layers.{i}.self_attn.k_proj.bias [32]
          model.layers.{i}.self_attn.k_proj.weight [32, 64]
          model.layers.{i}.self_attn.o_proj.weight [64, 64]
          model.layers.{i}.self_attn.q_proj.bias [64]
          model.layers.{i}.self_attn.q_proj.weight [64, 64]
          model.layers.{i}.self_attn.v_proj.bias [32]
          model.layers.{i}.self_attn.v_proj.weight [32, 64]
          """;

    [Fact]
    public void TinyQwen2KeysAndShapesAreHuggingFaces()
    {
        using var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2"));
        var expected = "model.embed_tokens.weight [512, 64]\n" + Layer(0, false) + "\n" + Layer(1, false) + "\nmodel.norm.weight [64]";
        Assert.Equal(expected.Replace("\r", ""), Describe(model));
    }

    [Fact]
    public void TinyQwen3KeysAndShapesAreHuggingFaces()
    {
        using var model = new DecoderLM(ModelConfigs.Get("tiny-qwen3"));
        var expected = "lm_head.weight [512, 64]\nmodel.embed_tokens.weight [512, 64]\n" + Layer(0, true) + "\n" + Layer(1, true) + "\nmodel.norm.weight [64]";
        Assert.Equal(expected.Replace("\r", ""), Describe(model));
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public void AnalyticCountEqualsTheInstantiatedModule(string name)
    {
        var config = ModelConfigs.Get(name);
        using var model = new DecoderLM(config);
        Assert.Equal(DecoderLM.CountParameters(config), model.parameters().Sum(p => p.numel()));
        var llama = config with { ModelType = "llama", AttentionBias = true, QkNorm = false };   // o_proj gets a bias too
        using var llamaModel = new DecoderLM(llama);
        Assert.Equal(DecoderLM.CountParameters(llama), llamaModel.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void InitialisationFollowsHuggingFace()
    {
        torch.manual_seed(0);
        using var model = new DecoderLM(ModelConfigs.Get("tiny-qwen2"));
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.Equal(64f, p["model.norm.weight"].sum().item<float>());
        Assert.Equal(0f, p["model.layers.0.self_attn.q_proj.bias"].abs().sum().item<float>());
        Assert.InRange(p["model.embed_tokens.weight"].std().item<float>(), 0.018f, 0.022f);
    }
}
