using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Code2Lora.Bench;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using Code2Lora.Runtime;

namespace Code2Lora.Evaluation;

/// <summary>Reuses a method's saved predictions when nothing that decides them changed: the weights it decodes with, the
/// decoding settings and the tasks. Decoding is the slowest repeated step of an evaluation, and re-running one after adding
/// a method should only decode the new one. Keyed by a fingerprint file beside predictions/&lt;method&gt;/&lt;split&gt;.parquet.</summary>
public sealed class PredictionCache(string predictionsDir)
{
    private const string FingerprintFile = "fingerprint.txt";

    /// <summary>Bump when decoding, post-processing or scoring changes, so older predictions are not reused.</summary>
    public const string Revision = "decode-1";

    /// <summary>The fingerprint of one method's run: its identity (e.g. hashes of the weight files it uses), the settings and the tasks.</summary>
    public static string Fingerprint(string identity, CompletionSettings settings, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits)
    {
        var text = new StringBuilder();
        text.AppendLine(Revision).AppendLine(identity);
        text.AppendLine(JsonSerializer.Serialize(settings with { BannedTokenIds = new HashSet<int>() }));
        text.AppendLine(string.Join(",", settings.BannedTokenIds.Order()));
        foreach (var (split, tasks) in splits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(split).Append(':').Append(tasks.Count).AppendLine();
            foreach (var t in tasks) text.Append(t.RepoId).Append('\0').Append(t.CommitSha).Append('\0').Append(t.Prefix).Append('\0').Append(t.Target).Append('\u0001');
        }
        return Hash(text.ToString());
    }

    /// <summary>SHA-256 (hex, first 16 bytes) of files' contents, in the given order: a weights identity. Missing files count as empty.</summary>
    public static string HashFiles(IEnumerable<string> paths)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(path) + "\0"));
            if (!File.Exists(path)) continue;
            using var stream = File.OpenRead(path);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer)) > 0) sha.AppendData(buffer.AsSpan(0, read));
        }
        return Convert.ToHexString(sha.GetHashAndReset()[..16]).ToLowerInvariant();
    }

    /// <summary>The saved predictions of <paramref name="method"/> when its fingerprint matches and every split's file is there; else null.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>?> TryLoadAsync(string method, string fingerprint, IEnumerable<string> splits)
    {
        var dir = Path.Combine(predictionsDir, method);
        var saved = Path.Combine(dir, FingerprintFile);
        if (!File.Exists(saved) || (await File.ReadAllTextAsync(saved)).Trim() != fingerprint) return null;
        var result = new Dictionary<string, IReadOnlyList<PredictionRow>>();
        foreach (var split in splits)
        {
            var file = Path.Combine(dir, split + ".parquet");
            if (!File.Exists(file)) return null;
            var rows = (await ParquetTable.ReadAsync<PredictionRow>(file)).ToList();
            // CodeBLEU is a function of the saved strings: recomputing it lets predictions saved before the column existed
            // gain it without decoding again.
            foreach (var row in rows) row.CodeBleu = Metrics.CodeBleu(row.Prediction, Metrics.StripComment(row.Target));
            result[split] = rows;
        }
        return result;
    }

    /// <summary>Writes the predictions, then the fingerprint (last, so a crash in between leaves nothing that looks reusable).</summary>
    public async Task SaveAsync(string method, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows)
    {
        var dir = Path.Combine(predictionsDir, method);
        var saved = Path.Combine(dir, FingerprintFile);
        if (File.Exists(saved)) File.Delete(saved);
        foreach (var (split, preds) in rows) await ParquetTable.WriteAsync(Path.Combine(dir, split + ".parquet"), preds.ToList());
        AtomicFile.WriteText(saved, fingerprint + "\n");
    }

    /// <summary>The method's predictions on <paramref name="splits"/>: the saved ones when <paramref name="identity"/>, the settings and
    /// the tasks are unchanged, else decoded now and saved. Reused is true when nothing was decoded.</summary>
    public async Task<(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows, bool Reused)> RunAsync(ICompletionMethod method, string identity,
        DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings,
        IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        var fingerprint = Fingerprint(method.Name + "\n" + identity, settings, splits);
        if (await TryLoadAsync(method.Name, fingerprint, splits.Keys) is { } saved) return (saved, true);
        var rows = MethodEvaluator.Run(method, model, tokenizer, splits, settings, progress);
        await SaveAsync(method.Name, fingerprint, rows);
        return (rows, false);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16]).ToLowerInvariant();
}
