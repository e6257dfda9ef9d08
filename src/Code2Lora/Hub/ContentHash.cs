using System.Security.Cryptography;
using System.Text;

namespace Code2Lora.Hub;

/// <summary>The checksum the Hub lists for a file, computed incrementally: sha256 of the content for LFS files, the git blob id
/// (sha1 of "blob {size}\0" + content) for regular files.</summary>
internal sealed class ContentHash : IDisposable
{
    private readonly IncrementalHash _hash;

    /// <summary>The listed value the finished hash must equal.</summary>
    public string Expected { get; }

    /// <summary>"sha256" or "git blob sha1", for messages.</summary>
    public string Name { get; }

    private ContentHash(HubFile file)
    {
        if (file.Sha256 is { } sha256)
        {
            (_hash, Expected, Name) = (IncrementalHash.CreateHash(HashAlgorithmName.SHA256), sha256, "sha256");
            return;
        }
        (_hash, Expected, Name) = (IncrementalHash.CreateHash(HashAlgorithmName.SHA1), file.BlobId, "git blob sha1");
        _hash.AppendData(Encoding.ASCII.GetBytes($"blob {file.Size}\0"));
    }

    /// <summary>A fresh hash for <paramref name="file"/>.</summary>
    public static ContentHash For(HubFile file) => new(file);

    /// <summary>Feeds bytes.</summary>
    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    /// <summary>The lower-case hex digest of everything appended.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>Hashes a whole file on disk (a file found in place without download metadata).</summary>
    public static string OfFile(HubFile file, string path)
    {
        using var hash = For(file);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = stream.Read(buffer)) > 0) hash.Append(buffer.AsSpan(0, n));
        return hash.Finish();
    }

    /// <summary>Releases the hash.</summary>
    public void Dispose() => _hash.Dispose();
}
