namespace Code2Lora.Models.Tokenization;

/// <summary>Text to token ids and back, as a model's tokenizer defines them; what encoders, training and decoding need.</summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids, special tokens included.</summary>
    int VocabSize { get; }

    /// <summary>End-of-sequence id (Qwen: &lt;|endoftext|&gt;, also used as BOS and padding), if the tokenizer has one.</summary>
    int? EosTokenId { get; }

    /// <summary>Ids of <paramref name="text"/>; no special tokens are added, and special-token text in it is matched as such.</summary>
    int[] Encode(string text);

    /// <summary>Text of <paramref name="ids"/> (byte-level pieces joined, then UTF-8 decoded; invalid sequences become U+FFFD).</summary>
    string Decode(IReadOnlyList<int> ids);
}
