using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using Code2Lora.Runtime;

namespace Code2Lora.Training.Pretrain;

/// <summary>
/// The copy curve (issue 15 §4): the in-context copy check (<see cref="CopyCheck"/>) on a fixed, seeded sample of copyable benchmark
/// tasks, measured at every evaluation step of pretraining, so the log shows when (and whether) the model learns to copy a target it sees.
/// </summary>
/// <remarks>Measuring draws no random numbers and changes no weights: greedy decoding and teacher forcing only, and the sample comes
/// from its own seeded generator. A run with the curve therefore trains exactly as one without it, and resumes bit-identically.</remarks>
public sealed class CopyCurve
{
    /// <summary>Log key of the copy EM, in percent of the sampled tasks.</summary>
    public const string ExactMatchKey = "copy_em";
    /// <summary>Log key of the mean teacher-forced target NLL of the sampled tasks (nats/token).</summary>
    public const string TargetNllKey = "copy_target_nll";
    /// <summary>Log key of the mean edit similarity of the sampled tasks.</summary>
    public const string EditSimilarityKey = "copy_edit_similarity";

    private const string Split = "copy-curve";
    private readonly ITextTokenizer _tokenizer;
    private readonly CompletionSettings _settings;
    private readonly CopyCheckOptions _options;

    /// <summary>The sampled tasks, in pool order.</summary>
    public IReadOnlyList<QnaRow> Tasks { get; }

    /// <summary>Tasks in the pool the sample was drawn from.</summary>
    public int Pool { get; }

    /// <summary>Copyable tasks in the pool (the sample is all of them when they are fewer than asked for).</summary>
    public int Copyable { get; }

    /// <summary>Draws up to <paramref name="tasks"/> of <paramref name="pool"/>'s copyable tasks (as <paramref name="settings"/> cut the
    /// prompt) with a generator of its own seeded by <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">No task of the pool is copyable: a curve over nothing would read as 0.</exception>
    public CopyCurve(ITextTokenizer tokenizer, IReadOnlyList<QnaRow> pool, int tasks, CompletionSettings settings, int seed, CopyCheckOptions? options = null)
    {
        _tokenizer = tokenizer;
        _settings = settings;
        _options = (options ?? new CopyCheckOptions()) with { Seed = seed };
        var copyable = CopyCheck.CopyableTasks(tokenizer, pool, settings, _options).ToList();
        if (copyable.Count == 0)
            throw new ArgumentException($"none of the {pool.Count} benchmark tasks given for the copy curve shows its target (≥ {_options.MinTargetChars} characters) "
                                        + $"in its {settings.MaxInputTokens}-token prompt.");
        SeededRandom.For(seed, "copy-curve").Shuffle(copyable);
        Tasks = copyable.Take(tasks).Order().Select(i => pool[i]).ToList();
        (Pool, Copyable) = (pool.Count, copyable.Count);
    }

    private CopyCurve(ITextTokenizer tokenizer, CompletionSettings settings, CopyCheckOptions options, SavedSample saved)
    {
        (_tokenizer, _settings, _options) = (tokenizer, settings, options);
        (Tasks, Pool, Copyable) = (saved.Tasks, saved.Pool, saved.Copyable);
    }

    /// <summary>The sample as a run folder keeps it, with what it was drawn for.</summary>
    private sealed record SavedSample(int Requested, int Seed, int MaxInputTokens, int Pool, int Copyable, IReadOnlyList<QnaRow> Tasks);

    /// <summary>The curve of a run folder: the sample saved in <paramref name="path"/> when there is one, so a run resumed in another
    /// session (or after the benchmark was rebuilt) keeps measuring the same tasks; otherwise a new draw from <paramref name="pool"/>,
    /// saved there.</summary>
    /// <exception cref="InvalidOperationException">The saved sample was drawn for another size, seed or prompt length.</exception>
    public static CopyCurve InRunFolder(string path, ITextTokenizer tokenizer, Func<IReadOnlyList<QnaRow>> pool, int tasks, CompletionSettings settings, int seed)
    {
        if (File.Exists(path))
        {
            var saved = System.Text.Json.JsonSerializer.Deserialize<SavedSample>(File.ReadAllText(path), Provenance.Json)
                        ?? throw new InvalidDataException($"{path} is empty.");
            if ((saved.Requested, saved.Seed, saved.MaxInputTokens) != (tasks, seed, settings.MaxInputTokens))
                throw new InvalidOperationException($"{path} holds a copy-curve sample of {saved.Requested} tasks (seed {saved.Seed}, {saved.MaxInputTokens}-token prompts), "
                                                    + $"not {tasks} (seed {seed}, {settings.MaxInputTokens}); resume with the same settings or use another run directory.");
            return new CopyCurve(tokenizer, settings, new CopyCheckOptions { Seed = seed }, saved);
        }
        var curve = new CopyCurve(tokenizer, pool(), tasks, settings, seed);
        AtomicFile.WriteText(path, System.Text.Json.JsonSerializer.Serialize(
            new SavedSample(tasks, seed, settings.MaxInputTokens, curve.Pool, curve.Copyable, curve.Tasks), Provenance.Json));
        return curve;
    }

    /// <summary>Copy EM (%), target NLL and edit similarity of <paramref name="model"/> on the sample, keyed as the training log keys them.</summary>
    public IReadOnlyDictionary<string, double> Measure(DecoderLM model)
    {
        var report = CopyCheck.Run(Split, model, _tokenizer, new Dictionary<string, IReadOnlyList<QnaRow>> { [Split] = Tasks }, _settings, _options);
        var all = report.All;
        var metrics = new Dictionary<string, double> { [ExactMatchKey] = 100.0 * all.Hits / Math.Max(1, all.Copyable) };
        // The log is JSON, which has no NaN: a mean that could not be taken is left out rather than written.
        if (all.TargetNll?.Mean is { } nll && double.IsFinite(nll)) metrics[TargetNllKey] = nll;
        if (all.EditSimilarity?.Mean is { } es && double.IsFinite(es)) metrics[EditSimilarityKey] = es;
        return metrics;
    }
}
