using System.Diagnostics;
using System.Security.Cryptography;
using Code2Lora.Bench;
using Code2Lora.Corpora;
using Code2Lora.Evaluation;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using Code2Lora.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Pretrain;

/// <summary>What a pretraining run reads: the corpus, the benchmark code it must not see, static-track tasks to score, and the benchmark
/// tasks the copy curve samples its copyable tasks from (null: the static tasks).</summary>
public sealed record PretrainInputs(PretrainCorpus Corpus, IReadOnlyList<CorpusFile> BenchmarkCode, IReadOnlyList<CompletionTask> StaticTasks,
    IReadOnlyList<QnaRow>? CopyTasks = null);

/// <summary>What the copy curve of a run was measured on: its sample, drawn from the copyable tasks of a pool.</summary>
public sealed record CopyCurveSample(int Tasks, int Copyable, int Pool);

/// <summary>The measured outcome of a pretraining run (what the model card reports).</summary>
public sealed record PretrainResult
{
    /// <summary>False when the run was interrupted; run the same command again to resume.</summary>
    public required bool Completed { get; init; }
    /// <summary>Optimizer steps done.</summary>
    public required int Step { get; init; }
    /// <summary>Where the exported model is (null until the run completes).</summary>
    public string? ModelDirectory { get; init; }
    /// <summary>Model parameters.</summary>
    public long Parameters { get; init; }
    /// <summary>Training tokens seen by the optimizer.</summary>
    public long TokensSeen { get; init; }
    /// <summary>Token counts of the train stream, the held-out stream and the benchmark-code stream.</summary>
    public (long Train, long HeldOut, long Benchmark) StreamTokens { get; init; }
    /// <summary>Files and characters of the training corpus.</summary>
    public (int Files, long Chars, int Packages) Corpus { get; init; }
    /// <summary>Mean training loss over the last 50 logged steps.</summary>
    public double? FinalTrainLoss { get; init; }
    /// <summary>Loss on held-out files of the pretraining packages (nats/token).</summary>
    public double? HeldOutLoss { get; init; }
    /// <summary>Loss on the benchmark packages' non-test code, which the model never saw (nats/token).</summary>
    public double? BenchmarkCodeLoss { get; init; }
    /// <summary>Exact match of greedy completions on static-track tasks, with a 95 % bootstrap interval.</summary>
    public Estimate? StaticExactMatch { get; init; }
    /// <summary>Mean edit similarity on the same tasks.</summary>
    public Estimate? StaticEditSimilarity { get; init; }
    /// <summary>Mean CodeBLEU on the same tasks.</summary>
    public Estimate? StaticCodeBleu { get; init; }
    /// <summary>The in-context copy check on the same tasks: those whose target the prompt shows verbatim (null: no tasks given).</summary>
    public CopyCheckReport? CopyCheck { get; init; }
    /// <summary>The copy curve's sample (null: the run logged no copy curve).</summary>
    public CopyCurveSample? CopyCurve { get; init; }
    /// <summary>Seconds spent in the training loop, summed over resumes.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Seconds of the whole call.</summary>
    public double WallSeconds { get; init; }
}

/// <summary>Pretrains the tiny code LM: BPE tokenizer → token streams → decoder training → evaluation → export.
/// Every stage caches its output in the run directory, so an interrupted run picks up where it stopped.</summary>
public static class Pretraining
{
    /// <summary>The safetensors metadata key that records which pretraining preset wrote a model.</summary>
    public const string PresetMetadataKey = "c2l_pretrain_preset";

    /// <summary>The pretraining preset that wrote <paramref name="modelDirectory"/> (its results are results/pretrain/&lt;preset&gt;/),
    /// or null for a model this package did not pretrain.</summary>
    public static string? PresetOf(string modelDirectory)
    {
        var weights = Path.Combine(modelDirectory, "model.safetensors");
        return File.Exists(weights) && Models.Checkpoints.SafeTensors.ReadHeader(weights).Metadata.TryGetValue(PresetMetadataKey, out var preset) ? preset : null;
    }

    /// <summary>Runs (or resumes) the whole pretraining of <paramref name="config"/> in <paramref name="runDirectory"/> and, once
    /// training completes, writes the model to <paramref name="modelDirectory"/>.</summary>
    public static PretrainResult Run(PretrainConfig config, PretrainInputs inputs, string runDirectory, string modelDirectory,
        IProgress<BenchProgress>? progress = null, CancellationToken cancel = default)
    {
        var wall = Stopwatch.StartNew();
        var corpus = inputs.Corpus;
        if (corpus.Train.Count == 0)
            throw new InvalidOperationException("the pretraining corpus is empty: install its packages with C2L_PRETRAIN_CORPUS=1 bash scripts/install.sh.");
        Directory.CreateDirectory(runDirectory);

        var tokenizer = TrainOrLoadTokenizer(config, corpus, runDirectory, progress);
        var eos = tokenizer.EosTokenId ?? throw new InvalidOperationException("the tokenizer has no end-of-text token.");
        if (tokenizer.VocabSize > config.Model.VocabSize)
            throw new InvalidOperationException($"the tokenizer has {tokenizer.VocabSize} ids but the model only {config.Model.VocabSize} rows.");
        var key = Sha256(File.ReadAllBytes(Path.Combine(runDirectory, "tokenizer.json")));
        var train = CachedStream(runDirectory, "train", key, corpus.Train, tokenizer, progress);
        var heldOut = CachedStream(runDirectory, "held-out", key, corpus.HeldOut, tokenizer, progress);
        var bench = CachedStream(runDirectory, "benchmark-code", key, inputs.BenchmarkCode, tokenizer, progress);

        // Decoding as the final static-track evaluation decodes, so the curve's last point and the card's copy check agree in kind.
        var settings = new CompletionSettings { MaxInputTokens = config.SequenceLength, MaxNewTokens = 48, BatchSize = config.BatchSize };
        CopyCurve? copyCurve = null;
        if (config.CopyCheckTasks is { } copyTasks)
        {
            IReadOnlyList<QnaRow> Pool() => inputs.CopyTasks ?? inputs.StaticTasks.Select(t => new QnaRow { Prefix = t.Prefix, Target = t.Target }).ToList();
            try { copyCurve = CopyCurve.InRunFolder(Path.Combine(runDirectory, "copy-curve.json"), tokenizer, Pool, copyTasks, settings, config.Seed); }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"copy_check_tasks is {copyTasks}, but {e.Message} Give benchmark tasks (--bench) or set copy_check_tasks to null.");
            }
        }

        var device = ComputeTarget.Resolve(config.Device, config.Precision, $"pretrain config '{config.Name}'").Device;
        torch.manual_seed(config.Seed);
        var modelConfig = config.Model with { BosTokenId = eos, EosTokenId = eos };
        var model = new DecoderLM(modelConfig, device);
        if (config.Precision == "bf16") model.to(ScalarType.BFloat16);
        var recipe = new CausalLmRecipe(model, train, heldOut, config.SequenceLength, config.BatchSize, config.Seed, config.EvalSequences, copyCurve);
        var trainer = new Trainer(config.Training, runDirectory, $"pretrain/{config.Name}");
        var done = trainer.Run(recipe, new SyncProgress<TrainingProgress>(p =>
            progress?.Report(new BenchProgress("train", p.Step, p.Steps, $"loss {p.Loss:F3}, {p.TokensPerSecond:F0} tok/s"))), cancel);
        var log = TrainingLog.Read(trainer.LogPath);
        var trainRows = log.Where(r => r.Kind == "train").ToList();
        var result = new PretrainResult
        {
            Completed = done.Completed, Step = done.Step, Parameters = DecoderLM.CountParameters(modelConfig),
            TokensSeen = trainRows.LastOrDefault()?.TokensSeen ?? 0, TrainSeconds = trainRows.LastOrDefault()?.Seconds ?? 0,
            StreamTokens = (train.Length, heldOut.Length, bench.Length),
            Corpus = (corpus.Train.Count, corpus.TrainChars, corpus.Train.Select(f => f.Package).Distinct().Count()),
            FinalTrainLoss = trainRows.Count == 0 ? null : trainRows.TakeLast(50).Average(r => r.Loss ?? double.NaN),
            CopyCurve = copyCurve is null ? null : new CopyCurveSample(copyCurve.Tasks.Count, copyCurve.Copyable, copyCurve.Pool),
        };
        if (!done.Completed) return result with { WallSeconds = wall.Elapsed.TotalSeconds };

        if (config.Precision == "bf16") model.to(ScalarType.Float32);   // evaluate and ship the fp32 weights
        model.eval();
        var heldOutLoss = CausalLmRecipe.HeldOutLoss(model, heldOut, config.SequenceLength, config.EvalSequences, config.BatchSize);
        var benchLoss = CausalLmRecipe.HeldOutLoss(model, bench, config.SequenceLength, config.EvalSequences, config.BatchSize);
        var tasks = inputs.StaticTasks.Take(config.EvalTasks).ToList();
        Estimate? em = null, es = null, cb = null;
        CopyCheckReport? copy = null;
        if (tasks.Count > 0)
        {
            var completions = CompletionEvaluator.Run(model, tokenizer, tasks, settings,
                progress: new SyncProgress<int>(n => progress?.Report(new BenchProgress("static-track EM", n, tasks.Count, null))));
            em = Bootstrap.Mean(completions.Select(c => c.Score.ExactMatch ? 100.0 : 0.0).ToArray(), seed: config.Seed);
            es = Bootstrap.Mean(completions.Select(c => c.Score.EditSimilarity).ToArray(), seed: config.Seed);
            cb = Bootstrap.Mean(completions.Select(c => c.Score.CodeBleu).ToArray(), seed: config.Seed);
            var rows = tasks.Select(t => new QnaRow { Prefix = t.Prefix, Target = t.Target }).ToList();
            copy = CopyCheck.Run(config.Name, model, tokenizer, new Dictionary<string, IReadOnlyList<QnaRow>> { ["static/cr_test"] = rows },
                settings, new CopyCheckOptions { Seed = config.Seed });
        }
        result = result with
        {
            HeldOutLoss = heldOutLoss, BenchmarkCodeLoss = benchLoss, StaticExactMatch = em, StaticEditSimilarity = es, StaticCodeBleu = cb, CopyCheck = copy,
            ModelDirectory = modelDirectory, WallSeconds = wall.Elapsed.TotalSeconds,
        };
        Models.ModelDirectory.Save(modelDirectory, model, tokenizer, new Dictionary<string, string> { [PresetMetadataKey] = config.Name });
        ModelCard.Write(Path.Combine(modelDirectory, "MODEL_CARD.md"), config with { Model = modelConfig }, result, corpus, log);   // ids from the trained tokenizer
        return result;
    }

    private static ByteLevelBpeTokenizer TrainOrLoadTokenizer(PretrainConfig config, PretrainCorpus corpus, string runDirectory, IProgress<BenchProgress>? progress)
    {
        var path = Path.Combine(runDirectory, "tokenizer.json");
        if (File.Exists(path)) return ByteLevelBpeTokenizer.Load(path);
        var texts = new List<string>();
        long chars = 0;
        foreach (var f in corpus.Train)
        {
            if (chars >= config.TokenizerTrainingChars) break;
            texts.Add(f.Text);
            chars += f.Text.Length;
        }
        var tokenizer = BpeTrainer.Train(texts, new BpeTrainerSettings
        {
            VocabSize = config.TokenizerVocab,
            Progress = p => progress?.Report(new BenchProgress("tokenizer: " + p.Phase, (int)Math.Min(int.MaxValue, p.Done), (int)Math.Min(int.MaxValue, p.Total), null)),
        });
        tokenizer.Save(path);
        return tokenizer;
    }

    /// <summary>Token ids of <paramref name="files"/>, cached as little-endian int32 beside a key (the tokenizer's hash).</summary>
    private static int[] CachedStream(string runDirectory, string name, string key, IReadOnlyList<CorpusFile> files, ITextTokenizer tokenizer,
        IProgress<BenchProgress>? progress)
    {
        var bin = Path.Combine(runDirectory, $"tokens-{name}.bin");
        var keyFile = bin + ".key";
        if (File.Exists(bin) && File.Exists(keyFile) && File.ReadAllText(keyFile).Trim() == key)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(bin)).ToArray();
        var ids = files.Count == 0 ? [] : TokenStream.Encode(files, tokenizer,
            new SyncProgress<int>(n => progress?.Report(new BenchProgress($"encode {name}", n, files.Count, null))));
        AtomicFile.Write(bin, s => s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan())));
        AtomicFile.WriteText(keyFile, key);
        return ids;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
