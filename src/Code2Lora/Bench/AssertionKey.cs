using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Code2Lora.Python;

namespace Code2Lora.Bench;

/// <summary>
/// An assertion's identity on the evolution track (paper-notes §3.4 step 2) as two 128-bit hashes: <see cref="Key"/> of
/// (type, whitespace-normalised prefix, whitespace-normalised target), and <see cref="Prefix"/> of (type, normalised
/// prefix), which tells a changed assertion from an added one. Both come from SHA-256, so two different keys share a
/// hash only with probability ~2⁻¹²⁸ per pair: the kept-commit decisions are the plain string comparisons' decisions.
/// </summary>
public readonly record struct AssertionKey(UInt128 Key, UInt128 Prefix)
{
    /// <summary>The definition, from the strings: normalises prefix and target with <see cref="Normalise.Whitespace"/>, then hashes.</summary>
    public static AssertionKey Of(string assertionType, string prefix, string target)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(MemoryMarshal.AsBytes(Normalise.Whitespace(prefix).AsSpan()), digest);
        return Combine(digest, assertionType, Normalise.Whitespace(target));
    }

    /// <summary>
    /// The keys of every site of a file version (in <see cref="EvolutionFile.Sites"/> order), equal to <see cref="Of"/> on
    /// each built prefix but in one pass over the text: the normalised text streams through one SHA-256 state, which is
    /// copied at each site's cut and finished with the site's short tail. No prefix is built.
    /// </summary>
    public static AssertionKey[] ForFile(EvolutionFile file)
    {
        var sites = file.Sites;
        var keys = new AssertionKey[sites.Count];
        if (sites.Count == 0) return keys;
        var order = Enumerable.Range(0, sites.Count).OrderBy(i => sites[i].PrefixCut).ToArray();
        using var running = new NormalisedHash(IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
        Span<byte> digest = stackalloc byte[32];
        int read = 0;
        foreach (int i in order)
        {
            var site = sites[i];
            running.Append(file.Text.AsSpan(read, site.PrefixCut - read));
            read = site.PrefixCut;
            using var atCut = running.Fork();
            atCut.Append(site.Tail);
            atCut.Finish(digest);
            keys[i] = Combine(digest, site.AssertionType, Normalise.Whitespace(site.Target));
        }
        return keys;
    }

    /// <summary>A key as 32 lower-case hex digits (how ledgers store it).</summary>
    public static string Hex(UInt128 hash)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Reads <see cref="Hex"/>; null when the text is not 32 hex digits.</summary>
    public static UInt128? ParseHex(string hex)
    {
        if (hex.Length != 32) return null;
        Span<byte> bytes = stackalloc byte[16];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != OperationStatus.Done || written != 16) return null;
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    // Key = SHA-256(P ‖ T ‖ type ‖ |T| ‖ |type| ‖ 1) and Prefix = SHA-256(P ‖ type ‖ |type| ‖ 2), P the prefix's digest:
    // the lengths and the final tag make each encoding injective, so equal hashes mean equal tuples (up to SHA-256).
    private static AssertionKey Combine(ReadOnlySpan<byte> prefixDigest, string assertionType, string normalisedTarget)
    {
        var target = MemoryMarshal.AsBytes(normalisedTarget.AsSpan());
        var type = MemoryMarshal.AsBytes(assertionType.AsSpan());
        int length = prefixDigest.Length + target.Length + type.Length + 9;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> buffer = rented.AsSpan(0, length), hash = stackalloc byte[32];
            prefixDigest.CopyTo(buffer);
            int at = prefixDigest.Length;
            target.CopyTo(buffer[at..]);
            type.CopyTo(buffer[(at + target.Length)..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[(length - 9)..], normalisedTarget.Length);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[(length - 5)..], assertionType.Length);
            buffer[^1] = 1;
            SHA256.HashData(buffer, hash);
            var key = BinaryPrimitives.ReadUInt128BigEndian(hash);

            type.CopyTo(buffer[at..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[(at + type.Length)..], assertionType.Length);
            buffer[at + type.Length + 4] = 2;
            SHA256.HashData(buffer[..(at + type.Length + 5)], hash);
            return new AssertionKey(key, BinaryPrimitives.ReadUInt128BigEndian(hash));
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>
    /// <see cref="Normalise.Whitespace"/> as a stream into a hash: runs of whitespace become one space, emitted only when
    /// a non-space follows something already emitted, so leading and trailing whitespace vanish as Trim would drop them.
    /// </summary>
    private sealed class NormalisedHash(IncrementalHash hash) : IDisposable
    {
        private readonly char[] _buffer = ArrayPool<char>.Shared.Rent(8192);
        private int _count;
        private bool _started, _pending;

        public void Append(ReadOnlySpan<char> text)
        {
            while (!text.IsEmpty)
            {
                int space = text.IndexOfAny(Normalise.WhitespaceChars);
                var word = space < 0 ? text : text[..space];
                if (!word.IsEmpty)
                {
                    if (_pending) { Put(" "); _pending = false; }
                    Put(word);
                    _started = true;
                }
                if (space < 0) return;
                int next = text[space..].IndexOfAnyExcept(Normalise.WhitespaceChars);
                _pending = _started;
                text = next < 0 ? [] : text[(space + next)..];
            }
        }

        /// <summary>A copy of the stream so far, to be continued on its own.</summary>
        public NormalisedHash Fork()
        {
            Flush();
            return new NormalisedHash(hash.Clone()) { _started = _started, _pending = _pending };
        }

        public void Finish(Span<byte> digest)
        {
            Flush();
            hash.GetHashAndReset(digest);
        }

        private void Put(ReadOnlySpan<char> chars)
        {
            while (!chars.IsEmpty)
            {
                if (_count == _buffer.Length) Flush();
                int n = Math.Min(chars.Length, _buffer.Length - _count);
                chars[..n].CopyTo(_buffer.AsSpan(_count));
                _count += n;
                chars = chars[n..];
            }
        }

        private void Flush()
        {
            hash.AppendData(MemoryMarshal.AsBytes(_buffer.AsSpan(0, _count)));
            _count = 0;
        }

        public void Dispose()
        {
            hash.Dispose();
            ArrayPool<char>.Shared.Return(_buffer);
        }
    }
}
