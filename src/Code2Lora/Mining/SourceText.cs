using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Code2Lora.Mining;

/// <summary>Turns file bytes into text, or into a reason why they are not text. Shared by git and plain-directory reading.</summary>
public static class SourceText
{
    /// <summary>How many leading bytes are searched for NUL, as git and libgit2 do.</summary>
    public const int BinaryProbeBytes = 8000;

    /// <summary>Decodes <paramref name="bytes"/> strictly as UTF-8 (BOM stripped); on failure returns null and the reason in <paramref name="skipped"/>.</summary>
    public static string? Decode(string path, ReadOnlySpan<byte> bytes, MiningRules rules, out SkippedFile? skipped)
    {
        skipped = null;
        if (bytes.Length > rules.MaxFileBytes)
        {
            skipped = new SkippedFile(path, SkipReason.TooLarge, $"{bytes.Length} bytes > {rules.MaxFileBytes}");
            return null;
        }
        var probe = bytes[..Math.Min(bytes.Length, BinaryProbeBytes)];
        var nul = probe.IndexOf((byte)0);
        if (nul >= 0)
        {
            skipped = new SkippedFile(path, SkipReason.Binary, $"NUL byte at offset {nul}");
            return null;
        }
        if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[3..];
        if (bytes.Length == 0)
        {
            skipped = new SkippedFile(path, SkipReason.Empty, null);
            return null;
        }
        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            // UTF-16 never needs more code units than UTF-8 has bytes, so one pass always fits.
            var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            if (status != System.Buffers.OperationStatus.Done)
            {
                skipped = new SkippedFile(path, SkipReason.InvalidUtf8, $"invalid UTF-8 at byte {read}");
                return null;
            }
            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>True if a path string came from bytes that were not valid UTF-8 (the marshallers put U+FFFD there).</summary>
    public static bool HasInvalidPathEncoding(string path) => path.Contains('\uFFFD');
}
