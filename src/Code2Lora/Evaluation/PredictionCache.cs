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
    public Task<IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>?> TryLoadAsync(string method, string fingerprint, IEnumerable<string> splits) =>
        TryLoadRowsAsync<PredictionRow>(method, FingerprintFile, ".parquet", fingerprint, splits);

    /// <summary>Writes the predictions, then the fingerprint (last, so a crash in between leaves nothing that looks reusable).</summary>
    public Task SaveAsync(string method, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows) =>
        SaveRowsAsync(method, FingerprintFile, ".parquet", fingerprint, rows);

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<T>>?> TryLoadRowsAsync<T>(string method, string fingerprintFile, string suffix, string fingerprint,
        IEnumerable<string> splits) where T : class, new()
    {
        var dir = Path.Combine(predictionsDir, method);
<<<<<<< HEAD
        if (!await MatchesAsync(Path.Combine(dir, FingerprintFile), fingerprint) && !await MatchesAsync(Path.Combine(dir, LocalFingerprintFile), fingerprint)) return null;
        var result = new Dictionary<string, IReadOnlyList<PredictionRow>>();
=======
        var saved = Path.Combine(dir, fingerprintFile);
        if (!File.Exists(saved) || (await File.ReadAllTextAsync(saved)).Trim() != fingerprint) return null;
        var result = new Dictionary<string, IReadOnlyList<T>>();
>>>>>>> refs/heads/stats
        foreach (var split in splits)
        {
            var file = Path.Combine(dir, split + suffix);
            if (!File.Exists(file)) return null;
<<<<<<< HEAD
            result[split] = WithCodeBleu((await ParquetTable.ReadAsync<PredictionRow>(file)).ToList());
=======
            result[split] = (await ParquetTable.ReadAsync<T>(file)).ToList();
>>>>>>> refs/heads/stats
        }
        return result;
    }

<<<<<<< HEAD
    private static async Task<bool> MatchesAsync(string file, string fingerprint) =>
        File.Exists(file) && (await File.ReadAllTextAsync(file)).Trim() == fingerprint;

    /// <summary>Writes the predictions, then the fingerprint (last, so a crash in between leaves nothing that looks reusable); when the
    /// predictions equal the saved ones, only this machine's fingerprint is recorded.</summary>
    public async Task SaveAsync(string method, string fingerprint, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows)
    {
        var dir = Path.Combine(predictionsDir, method);
        var saved = Path.Combine(dir, FingerprintFile);
        var local = Path.Combine(dir, LocalFingerprintFile);
        if (File.Exists(saved) && await SameAsSavedAsync(dir, rows))
        {
            AtomicFile.WriteText(local, fingerprint + "\n");
            return;
        }
        if (File.Exists(saved)) File.Delete(saved);
        if (File.Exists(local)) File.Delete(local);
        foreach (var (split, preds) in rows) await ParquetTable.WriteAsync(Path.Combine(dir, split + ".parquet"), preds.ToList());
        AtomicFile.WriteText(saved, fingerprint + "\n");
    }

    /// <summary>True when every split's saved file holds exactly <paramref name="rows"/> (and no other split is saved).</summary>
    private static async Task<bool> SameAsSavedAsync(string dir, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> rows)
    {
        if (Directory.EnumerateFiles(dir, "*.parquet").Count() != rows.Count) return false;
        foreach (var (split, preds) in rows)
        {
            var file = Path.Combine(dir, split + ".parquet");
            if (!File.Exists(file)) return false;
            var old = await ParquetTable.ReadAsync<PredictionRow>(file);
            if (JsonSerializer.Serialize(old) != JsonSerializer.Serialize(preds)) return false;
        }
        return true;
    }

    /// <summary>The method's predictions on <paramref name="splits"/>: the saved ones when <paramref name="identity"/>, the settings and
    /// the tasks are unchanged; else the per-task store's rows for the tasks decoded before (by an interrupted run or by shards), and
    /// the rest decoded now, batch by batch into the store, then saved whole. With <paramref name="shard"/> only that shard's
    /// repositories are decoded and returned (rows keep their task index in the whole split); nothing whole is saved. With
    /// <paramref name="mergeOnly"/> nothing is decoded: a task no store holds is an error naming the shard it belongs to.</summary>
    public async Task<MethodPredictions> RunAsync(ICompletionMethod method, string identity,
=======
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
>>>>>>> refs/heads/stats
        DecoderLM model, ITextTokenizer tokenizer, IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> splits, CompletionSettings settings,
        IProgress<(string Split, int Done, int Total)>? progress = null, Shard? shard = null, bool mergeOnly = false)
    {
        // Decoding and teacher forcing both ask for each task's context: ask the provider once.
        var memo = new MemoizedContext(method);
        var fingerprint = Fingerprint(method.Name + "\n" + identity, settings, splits);
<<<<<<< HEAD
        if (await TryLoadAsync(method.Name, fingerprint, splits.Keys) is { } saved)
            return new MethodPredictions(shard is null ? saved : saved.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<PredictionRow>)kv.Value.Where(r => shard.Contains(r.RepoId)).ToList()), 0);
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
                MethodEvaluator.RunTasks(method, model, tokenizer, split, tasks, missing, settings,
                    batch => store.Append(batch.Select(r => (keys[r.TaskIndex], r))),
                    progress is null ? null : new SyncProgress<int>(n => progress.Report((split, wanted.Count - missing.Count + n, wanted.Count))));
                decoded += missing.Count;
                stored = TaskStore.ReadAll(dir, split);
            }
            result[split] = WithCodeBleu(wanted.Select(i => Renumbered(stored[keys[i]], i, split, method.Name)).ToList());
        }
        if (shard is null)
        {
            await SaveAsync(method.Name, fingerprint, result);
            foreach (var split in splits.Keys) TaskStore.Delete(dir, split);
        }
        return new MethodPredictions(result, decoded);
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
=======
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
>>>>>>> refs/heads/stats
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16]).ToLowerInvariant();
}

/// <summary>One method's predictions per split and how many tasks this call decoded (0: all came from the caches).</summary>
/// <param name="Rows">Prediction rows per split, in task order.</param>
/// <param name="Decoded">Tasks decoded by this call.</param>
public sealed record MethodPredictions(IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows, int Decoded)
{
    /// <summary>True when nothing was decoded.</summary>
    public bool Reused => Decoded == 0;
}
