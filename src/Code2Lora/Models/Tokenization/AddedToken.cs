namespace Code2Lora.Models.Tokenization;

/// <summary>A token matched verbatim in the text before pre-tokenization (tokenizer.json "added_tokens"); special ones are control tokens such as &lt;|endoftext|&gt;.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The exact text it stands for.</param>
/// <param name="Special">A control token (skipped by HF's decode when asked to skip special tokens).</param>
/// <param name="Normalized">Matched in normalized text rather than in the raw input.</param>
public sealed record AddedToken(int Id, string Content, bool Special = true, bool Normalized = false);
