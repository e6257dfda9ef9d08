namespace Code2Lora.Mining;

/// <summary>A repository could not be opened, walked or cloned; the message names the path or URL.</summary>
public sealed class MiningException : Exception
{
    /// <summary>Creates the exception with a message that names what failed.</summary>
    public MiningException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the underlying failure.</summary>
    public MiningException(string message, Exception inner) : base(message, inner) { }
}
