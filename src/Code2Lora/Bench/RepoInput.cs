namespace Code2Lora.Bench;

/// <summary>A repository to build the benchmark from: where it is, what it is called, where it came from, which tracks use it.</summary>
public sealed record RepoInput(string RepoId, string Path, string Provenance, bool Static = true, bool Evolution = true);
