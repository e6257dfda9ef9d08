using System.Text;

namespace Code2Lora.Mining;

/// <summary>Turns raw file bytes into text, or into the reason they cannot be used as source code.</summary>
internal static class FileContent
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="bytes"/> as strict UTF-8 (BOM stripped); null with a skip when binary, empty or invalid.</summary>
    public static string? Decode(string path, ReadOnlySpan<byte> bytes, out SkippedFile? skipped)
    {
        skipped = null;
        if (bytes.Length == 0) { skipped = new SkippedFile(path, SkipReason.Empty, null); return null; }
        // git's own heuristic: a NUL byte in the first 8000 bytes means binary.
        if (bytes[..Math.Min(bytes.Length, 8000)].IndexOf((byte)0) >= 0) { skipped = new SkippedFile(path, SkipReason.Binary, null); return null; }
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        try { return Strict.GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            skipped = new SkippedFile(path, SkipReason.InvalidUtf8, $"invalid byte at offset {e.Index}");
            return null;
        }
    }
}
