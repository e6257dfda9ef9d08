using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Code2Lora.Evaluation;

/// <summary>Part k of N of a per-repository job (docs/sharding.md): repository r belongs to shard
/// 1 + (first 8 bytes of SHA-256(UTF-8 r) as a big-endian unsigned integer) mod N. The assignment depends on the repository id
/// alone, so every stage, machine and language (Python: <c>int(hashlib.sha256(r.encode()).hexdigest()[:16], 16) % N</c>) agrees.</summary>
/// <param name="Index">k, from 1 to <paramref name="Count"/>.</param>
/// <param name="Count">N, at least 1.</param>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Parses "k/N" (1 ≤ k ≤ N); the error says what was expected.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || n < 1 || k < 1 || k > n)
            throw new ArgumentException($"--shard '{text}' is not k/N with 1 ≤ k ≤ N (e.g. 3/8).");
        return new Shard(k, n);
    }

    /// <summary>The shard (1-based) that <paramref name="repoId"/> belongs to among <paramref name="count"/>.</summary>
    public static int Of(string repoId, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(repoId));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count) + 1;
    }

    /// <summary>True when <paramref name="repoId"/>'s tasks are this shard's.</summary>
    public bool Contains(string repoId) => Of(repoId, Count) == Index;

    /// <summary>"shard-k-of-N", the file-name tag of this shard's outputs.</summary>
    public string Tag => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    /// <summary>"k/N".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
