namespace Code2Lora.Evaluation.Context;

/// <summary>One retrievable chunk: its file, its window number in that file, and the text that is embedded and prepended ("# File: path\n" + window).</summary>
public sealed record RepoChunk(string Path, int Window, string Text);
