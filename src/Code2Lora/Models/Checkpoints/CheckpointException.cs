namespace Code2Lora.Models.Checkpoints;

/// <summary>A checkpoint file or directory is missing, malformed or does not fit the module it is loaded into.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>The file or directory the problem is in, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>Creates an error about <paramref name="filePath"/>; the path is prefixed to the message.</summary>
    public CheckpointException(string? filePath, string message, Exception? inner = null)
        : base(filePath is null ? message : $"{filePath}: {message}", inner)
    {
        FilePath = filePath;
    }
}
