using Code2Lora.Models;
using Code2Lora.Tests.Evaluation;
using TorchSharp;

namespace Code2Lora.Tests.Encoders;

/// <summary>The encoder the Encoding tests share: tiny-qwen3 with a fixed seed, read through the byte tokenizer.</summary>
internal static class TinyEncoder
{
    public static readonly ByteTokenizer Tokenizer = new();

    public static DecoderLM Model(int seed = 5)
    {
        torch.manual_seed(seed);
        return new DecoderLM(ModelConfigs.Get("tiny-qwen3"));
    }
}
