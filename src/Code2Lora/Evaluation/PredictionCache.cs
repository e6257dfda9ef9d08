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
/// a method should only decode the new one. Keyed by a fingerprint file beside predictions/&lt;method&gt;/&lt;split&gt;.parquet.
/// While a method decodes, every finished batch is appended to a per-task store (&lt;split&gt;.tasks[.shard-k-of-N].jsonl, one row per
/// task keyed by a hash of the method's identity, the settings and that task alone), so an interrupted evaluation resumes where it
/// stopped, and N shard processes (<see cref="Shard"/>) each decode a disjoint part that a later run joins (<c>mergeOnly</c>).</summary>
/// <remarks>Weights trained on another CPU can differ in the last bits (a different fingerprint) and still decode the same
/// predictions. Then the committed files and their fingerprint stay as they are, and the new fingerprint goes to the untracked
/// fingerprint.run.txt, which this machine's next run reuses: a reproduce with the same predictions leaves git status clean.</remarks>
public sealed class PredictionCache(string predictionsDir)
{
    private const string FingerprintFile = "fingerprint.txt";

    /// <summary>This machine's fingerprint of predictions equal to the committed ones (git-ignored).</summary>
    private const string LocalFingerprintFile = "fingerprint.run.txt";

    /// <summary>Bump when decoding, post-processing or scoring changes, so older predictions are not reused.</summary>
    public const string Revision = "decode-1";

    /// <summary>The fingerprint of one method's run: its identity (e.g. hashes of the weight files it uses), the settings and the tasks.</summary>
    public static string Fingerprint(string identity, CompletionSettings settings, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits)
    {
        var text = new StringBuilder(MethodKey(identity, settings));
        foreach (var (split, tasks) in splits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(split).Append(':').Append(tasks.Count).AppendLine();
            foreach (var t in tasks) AppendTask(text, t);
        }
        return Hash(text.ToString());
    }

    /// <summary>What every task key of a method shares: the revision, the identity and the settings.</summary>
    private static string MethodKey(string identity, CompletionSettings settings)
    {
        var text = new StringBuilder();
        text.AppendLine(Revision).AppendLine(identity);
        text.AppendLine(JsonSerializer.Serialize(settings with { BannedTokenIds = new HashSet<int>() }));
        text.AppendLine(string.Join(",", settings.BannedTokenIds.Order()));
        return text.ToString();
    }

    private static void AppendTask(StringBuilder text, QnaRow t) =>
        text.Append(t.RepoId).Append('\0').Append(t.CommitSha).Append('\0').Append(t.Prefix).Append('\0').Append(t.Target).Append('\u0001');

    /// <summary>The key of one task's prediction: the method key and the task's own fields (not its position or the other tasks).</summary>
    private static string TaskKey(string methodKey, QnaRow task)
    {
        var text = new StringBuilder(methodKey);
        AppendTask(text, task);
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
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>?> TryLoadAsync(string method, string fingerprint, IEnumerable<string> splits) =>
        await TryLoadRowsAsync<PredictionRow>(method, FingerprintFile, ".parquet", fingerprint, splits) is { } rows
            ? rows.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<PredictionRow>)WithCodeBleu(kv.Value.ToList()))
            : null;

    /// <summary>Writes the predictions, then the fingerprint (last, so a crash in between leaves nothing that looks reusable); when the
    /// predictions equal the saved ones, only this machine's fingerprint is recorded.</summary>
    public Task SaveAsync(string method, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows) =>
        SaveRowsAsync(method, FingerprintFile, ".parquet", fingerprint, rows);

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<T>>?> TryLoadRowsAsync<T>(string method, string fingerprintFile, string suffix, string fingerprint,
        IEnumerable<string> splits) where T : class, new()
    {
        var dir = Path.Combine(predictionsDir, method);
        if (!await MatchesAsync(Path.Combine(dir, fingerprintFile), fingerprint) && !await MatchesAsync(Path.Combine(dir, LocalFingerprint(fingerprintFile)), fingerprint)) return null;
        var result = new Dictionary<string, IReadOnlyList<T>>();
        foreach (var split in splits)
        {
            var file = Path.Combine(dir, split + suffix);
            if (!File.Exists(file)) return null;
            result[split] = (await ParquetTable.ReadAsync<T>(file)).ToList();
        }
        return result;
    }

    private static async Task<bool> MatchesAsync(string file, string fingerprint) =>
        File.Exists(file) && (await File.ReadAllTextAsync(file)).Trim() == fingerprint;

    /// <summary>This machine's fingerprint file beside a committed one (fingerprint.txt → fingerprint.run.txt).</summary>
    private static string LocalFingerprint(string fingerprintFile) => Path.GetFileNameWithoutExtension(fingerprintFile) + ".run.txt";

    /// <summary>Writes the rows, then the fingerprint (last, so a crash in between leaves nothing that looks reusable); when the rows
    /// equal the saved ones, only this machine's fingerprint is recorded.</summary>
    private async Task SaveRowsAsync<T>(string method, string fingerprintFile, string suffix, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<T>> rows)
        where T : class, new()
    {
        var dir = Path.Combine(predictionsDir, method);
        var saved = Path.Combine(dir, fingerprintFile);
        var local = Path.Combine(dir, LocalFingerprint(fingerprintFile));
        if (File.Exists(saved) && await SameAsSavedAsync(dir, suffix, rows))
        {
            AtomicFile.WriteText(local, fingerprint + "\n");
            return;
        }
        if (File.Exists(saved)) File.Delete(saved);
        if (File.Exists(local)) File.Delete(local);
        foreach (var (split, list) in rows) await ParquetTable.WriteAsync(Path.Combine(dir, split + suffix), list.ToList());
        AtomicFile.WriteText(saved, fingerprint + "\n");
    }

    /// <summary>True when every split's saved file holds exactly <paramref name="rows"/> (and no other split is saved).</summary>
    private static async Task<bool> SameAsSavedAsync<T>(string dir, string suffix, IReadOnlyDictionary<string, IReadOnlyList<T>> rows) where T : class, new()
    {
        // "*.parquet" also matches "*.nll.parquet": count the predictions' files without the losses'.
        var files = Directory.EnumerateFiles(dir, "*" + suffix).Where(f => suffix != ".parquet" || !f.EndsWith(LossSuffix, StringComparison.Ordinal));
        if (files.Count() != rows.Count) return false;
        foreach (var (split, list) in rows)
        {
            var file = Path.Combine(dir, split + suffix);
            if (!File.Exists(file)) return false;
            var old = await ParquetTable.ReadAsync<T>(file);
            if (JsonSerializer.Serialize(old) != JsonSerializer.Serialize(list)) return false;
        }
        return true;
    }

    /// <summary>The method's predictions on <paramref name="splits"/>, each with its target NLL: the saved ones when <paramref name="identity"/>,
    /// the settings and the tasks are unchanged; else the per-task store's rows for the tasks decoded before (by an interrupted run or by
    /// shards), and the rest decoded now, batch by batch into the store, then saved whole. The losses have their own file and fingerprint,
    /// so predictions saved before losses existed are reused and only the losses are computed (teacher forcing, no decoding). With
    /// <paramref name="shard"/> only that shard's repositories are decoded and returned (rows keep their task index in the whole split),
    /// without losses; nothing whole is saved. With <paramref name="mergeOnly"/> nothing is decoded (a task no store holds is an error
    /// naming the shard it belongs to), but the losses of the whole splits are computed when they are not saved yet.</summary>
    public async Task<MethodPredictions> RunAsync(ICompletionMethod method, string identity,
        DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings,
        IProgress<(string Split, int Done, int Total)>? progress = null, Shard? shard = null, bool mergeOnly = false)
    {
        // Decoding and teacher forcing both ask for each task's context: ask the provider once.
        var memo = new MemoizedContext(method);
        var fingerprint = Fingerprint(method.Name + "\n" + identity, settings, splits);
        if (await TryLoadAsync(method.Name, fingerprint, splits.Keys) is { } saved)
        {
            if (shard is not null)
                return new MethodPredictions(saved.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<PredictionRow>)kv.Value.Where(r => shard.Contains(r.RepoId)).ToList()), 0);
            return new MethodPredictions(saved, 0, await AttachLossesAsync(memo, identity, model, tokenizer, splits, settings, saved, progress));
        }
        var methodKey = MethodKey(method.Name + "\n" + identity, settings);
        var dir = Path.Combine(predictionsDir, method.Name);
        var result = new Dictionary<string, IReadOnlyList<PredictionRow>>();
        var decoded = 0;
        foreach (var (split, tasks) in splits)
        {
            var keys = tasks.Select(t => TaskKey(methodKey, t)).ToArray();
            var stored = TaskStore.ReadAll(dir, split);
            var wanted = Enumerable.Range(0, tasks.Count).Where(i => shard is null || shard.Contains(tasks[i].RepoId)).ToList();
            var missing = wanted.Where(i => !stored.ContainsKey(keys[i])).ToList();
            if (mergeOnly && missing.Count > 0)
            {
                var shards = missing.Select(i => tasks[i].RepoId).Distinct(StringComparer.Ordinal).ToList();
                throw new InvalidOperationException($"{method.Name} {split}: {missing.Count} of {tasks.Count} tasks have no prediction in {dir} " +
                    $"(repositories {string.Join(", ", shards.Take(3))}{(shards.Count > 3 ? ", …" : "")}); run the missing shards (c2l eval --shard k/N) with the same settings and copy their " +
                    $"{split}.tasks.shard-k-of-N.jsonl files there before merging.");
            }
            if (missing.Count > 0)
            {
                using var store = TaskStore.Open(dir, split, shard);
                MethodEvaluator.RunTasks(memo, model, tokenizer, split, tasks, missing, settings,
                    batch => store.Append(batch.Select(r => (keys[r.TaskIndex], r))),
                    progress is null ? null : new SyncProgress<int>(n => progress.Report((split, wanted.Count - missing.Count + n, wanted.Count))));
                decoded += missing.Count;
                stored = TaskStore.ReadAll(dir, split);
            }
            result[split] = WithCodeBleu(wanted.Select(i => Renumbered(stored[keys[i]], i, split, method.Name)).ToList());
        }
        if (shard is not null) return new MethodPredictions(result, decoded);
        await SaveAsync(method.Name, fingerprint, result);
        foreach (var split in splits.Keys) TaskStore.Delete(dir, split);
        return new MethodPredictions(result, decoded, await AttachLossesAsync(memo, identity, model, tokenizer, splits, settings, result, progress));
    }

    // A stored row may come from a run whose task list differed (another sample, a shard): only its position is this run's.
    private static PredictionRow Renumbered(PredictionRow row, int index, string split, string method) =>
        row.TaskIndex == index && row.Split == split && row.Method == method ? row : row.With(index, split, method);

    // CodeBLEU is a function of the saved strings: recomputing it lets predictions saved (or stored per task) before the
    // column existed gain it without decoding again.
    private static List<PredictionRow> WithCodeBleu(List<PredictionRow> rows)
    {
        foreach (var row in rows) row.CodeBleu = Metrics.CodeBleu(row.Prediction, Metrics.StripComment(row.Target));
        return rows;
    }

    /// <summary>Sets every row's target NLL from the saved losses, computing them first when they are not saved; returns how many tasks
    /// were teacher-forced (0: all reused).</summary>
    private async Task<int> AttachLossesAsync(ICompletionMethod method, string identity, DecoderLM model, ITextTokenizer tokenizer,
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows,
        IProgress<(string Split, int Done, int Total)>? progress)
    {
        var (losses, reused) = await LossesAsync(method, identity, model, tokenizer, splits, settings, progress);
        foreach (var (split, preds) in rows) TargetLossEvaluator.Attach(preds, losses[split]);
        return reused ? 0 : splits.Values.Sum(v => v.Count);
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
        if (await TryLoadRowsAsync<TargetLossRow>(method.Name, LossFingerprintFile, LossSuffix, fingerprint, splits.Keys) is { } saved) return (saved, true);
        var losses = TargetLossEvaluator.Run(method, model, tokenizer, splits, settings,
            progress is null ? null : new SyncProgress<(string Split, int Done, int Total)>(p => progress.Report((p.Split + " nll", p.Done, p.Total))));
        await SaveRowsAsync(method.Name, LossFingerprintFile, LossSuffix, fingerprint, losses);
        return (losses, false);
    }

    /// <summary>Bump when the target-loss computation changes.</summary>
    public const string LossRevision = "nll-1";

    private const string LossFingerprintFile = "nll-fingerprint.txt";

    private const string LossSuffix = ".nll.parquet";

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

/// <summary>One method's predictions per split, how many tasks this call decoded and how many it teacher-forced for the target NLL
/// (both 0: everything came from the caches).</summary>
/// <param name="Rows">Prediction rows per split, in task order.</param>
/// <param name="Decoded">Tasks decoded by this call.</param>
/// <param name="LossTasks">Tasks whose target NLL this call computed (0 for a shard, which computes none).</param>
public sealed record MethodPredictions(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows, int Decoded, int LossTasks = 0)
{
    /// <summary>True when nothing was computed (a context method's provider was then not asked for any context).</summary>
    public bool Reused => Decoded == 0 && LossTasks == 0;
}
