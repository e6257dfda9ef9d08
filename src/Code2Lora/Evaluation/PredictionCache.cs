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
    public Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>?> TryLoadAsync(string method, string fingerprint, IEnumerable<string> splits) =>
        TryLoadRowsAsync<PredictionRow>(method, FingerprintFile, ".parquet", fingerprint, splits);

    /// <summary>Writes the predictions, then the fingerprint (last, so a crash in between leaves nothing that looks reusable).</summary>
    public Task SaveAsync(string method, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows) =>
        SaveRowsAsync(method, FingerprintFile, ".parquet", fingerprint, rows);

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<T>>?> TryLoadRowsAsync<T>(string method, string fingerprintFile, string suffix, string fingerprint,
        IEnumerable<string> splits) where T : class, new()
    {
        var dir = Path.Combine(predictionsDir, method);
        var saved = Path.Combine(dir, fingerprintFile);
        if (!File.Exists(saved) || (await File.ReadAllTextAsync(saved)).Trim() != fingerprint) return null;
        var result = new Dictionary<string, IReadOnlyList<T>>();
        foreach (var split in splits)
        {
            var file = Path.Combine(dir, split + suffix);
            if (!File.Exists(file)) return null;
            result[split] = (await ParquetTable.ReadAsync<T>(file)).ToList();
        }
        return result;
    }

    private async Task SaveRowsAsync<T>(string method, string fingerprintFile, string suffix, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<T>> rows)
        where T : class, new()
    {
        var dir = Path.Combine(predictionsDir, method);
        var saved = Path.Combine(dir, fingerprintFile);
        if (File.Exists(saved)) File.Delete(saved);
        foreach (var (split, list) in rows) await ParquetTable.WriteAsync(Path.Combine(dir, split + suffix), list.ToList());
        AtomicFile.WriteText(saved, fingerprint + "\n");
    }

    /// <summary>The method's predictions on <paramref name="splits"/>, each with its target NLL: the saved ones when
    /// <paramref name="identity"/>, the settings and the tasks are unchanged, else decoded (or teacher-forced) now and saved. The losses
    /// have their own file and fingerprint, so predictions saved before losses existed are reused and only the losses are computed.
    /// Reused is true when nothing was computed (a context method's provider was then not asked for any context).</summary>
    public async Task<(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows, bool Reused)> RunAsync(ICompletionMethod method, string identity,
        DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings,
        IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        // Decoding and teacher forcing both ask for each task's context: ask the provider once.
        var memo = new MemoizedContext(method);
        var fingerprint = Fingerprint(method.Name + "\n" + identity, settings, splits);
        var rows = await TryLoadAsync(method.Name, fingerprint, splits.Keys);
        var reused = rows is not null;
        if (rows is null)
        {
            rows = MethodEvaluator.Run(memo, model, tokenizer, splits, settings, progress);
            await SaveAsync(method.Name, fingerprint, rows);
        }
        var (losses, lossesReused) = await LossesAsync(memo, identity, model, tokenizer, splits, settings, progress);
        foreach (var (split, preds) in rows) TargetLossEvaluator.Attach(preds, losses[split]);
        return (rows, reused && lossesReused);
    }

    /// <summary>The method's target NLL alone on <paramref name="splits"/> (cached like <see cref="RunAsync"/>, nothing decoded): rows that
    /// carry the task, its repository and <see cref="PredictionRow.TargetNll"/>, for controls whose EM is not needed.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> RunLossOnlyAsync(ICompletionMethod method, string identity,
        DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings,
        IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        var (losses, _) = await LossesAsync(method, identity, model, tokenizer, splits, settings, progress);
        return splits.ToDictionary(kv => kv.Key, kv =>
        {
            IReadOnlyList<PredictionRow> rows = kv.Value.Select((t, i) => new PredictionRow { Method = method.Name, Split = kv.Key, RepoId = t.RepoId, TaskIndex = i, Target = t.Target }).ToList();
            TargetLossEvaluator.Attach(rows, losses[kv.Key]);
            return rows;
        });
    }

    private async Task<(IReadOnlyDictionary<string, IReadOnlyList<TargetLossRow>> Losses, bool Reused)> LossesAsync(ICompletionMethod method, string identity,
        DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings,
        IProgress<(string Split, int Done, int Total)>? progress)
    {
        var fingerprint = Fingerprint(LossRevision + "\n" + method.Name + "\n" + identity, settings, splits);
        if (await TryLoadRowsAsync<TargetLossRow>(method.Name, LossFingerprintFile, ".nll.parquet", fingerprint, splits.Keys) is { } saved) return (saved, true);
        var losses = TargetLossEvaluator.Run(method, model, tokenizer, splits, settings,
            progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((p.Split + " nll", p.Done, p.Total))));
        await SaveRowsAsync(method.Name, LossFingerprintFile, ".nll.parquet", fingerprint, losses);
        return (losses, false);
    }

    /// <summary>Bump when the target-loss computation changes.</summary>
    public const string LossRevision = "nll-1";

    private const string LossFingerprintFile = "nll-fingerprint.txt";

    /// <summary>A method whose contexts are asked of the wrapped one once per task (decoding and teacher forcing share them).</summary>
    private sealed class MemoizedContext(ICompletionMethod inner) : ICompletionMethod
    {
        private readonly Dictionary<QnaRow, string?> _contexts = new(ReferenceEqualityComparer.Instance);

        public string Name => inner.Name;

        public string? ContextFor(QnaRow task)
        {
            if (!_contexts.TryGetValue(task, out var context)) _contexts[task] = context = inner.ContextFor(task);
            return context;
        }

        public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => inner.BeforeBatch(tasks);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16]).ToLowerInvariant();
}
