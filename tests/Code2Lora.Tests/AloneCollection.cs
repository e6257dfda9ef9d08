namespace Code2Lora.Tests;

/// <summary>Tests that read process-wide measurements (peak resident memory): xunit runs this collection by itself, after the
/// parallel ones, so no other test's allocations land in the measurement.</summary>
[CollectionDefinition("Alone", DisableParallelization = true)]
public sealed class AloneCollection;
