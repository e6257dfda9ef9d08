namespace Code2Lora.Encoders;

/// <summary>Where padding goes in a batch of unequal windows; a masked mean gives the same vector either way.</summary>
public enum PaddingSide
{
    /// <summary>Pads before the tokens (Qwen3-Embedding's tokenizer default).</summary>
    Left,

    /// <summary>Pads after the tokens.</summary>
    Right,
}
