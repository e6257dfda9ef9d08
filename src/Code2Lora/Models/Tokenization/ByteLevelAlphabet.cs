namespace Code2Lora.Models.Tokenization;

/// <summary>GPT-2's byte-to-character table: every byte gets a printable character, so BPE symbols are plain strings.</summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildTable();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    // Printable Latin-1 bytes keep their own character; the other 68 are shifted to U+0100 onwards, in byte order (as GPT-2's bytes_to_unicode).
    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    /// <summary>The character that stands for <paramref name="b"/>.</summary>
    public static char Symbol(byte b) => ByteToChar[b];

    /// <summary>The byte a byte-level character stands for; false for characters outside the alphabet.</summary>
    public static bool TryByte(char symbol, out byte b) => CharToByte.TryGetValue(symbol, out b);

    /// <summary>The byte-level string of some UTF-8 bytes (one character per byte).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++) chars[i] = ByteToChar[source[i]];
        });
    }
}
