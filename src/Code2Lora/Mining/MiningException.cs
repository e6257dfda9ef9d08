namespace Code2Lora.Mining;

/// <summary>A repository cannot be mined at all (missing, unreadable, no commits); the message names the path and the cause.</summary>
public sealed class MiningException(string message, Exception? inner = null) : Exception(message, inner);
