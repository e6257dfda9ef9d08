namespace Code2Lora.Tests.Cli;

/// <summary>Command-line tests swap the process-wide console, so they run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "command line";
}
