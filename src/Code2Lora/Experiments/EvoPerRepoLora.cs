using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Models;
using Code2Lora.Runtime;
using Code2Lora.Training;
using Code2Lora.Training.Completion;
using Code2Lora.Training.Recipes;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>What trains the evolution track's per-repository LoRAs (docs/forge.md's fairness check 3): at most <paramref name="MaxExamples"/>
/// of a repository's own training tasks (0: all), for <paramref name="Epochs"/> passes with <paramref name="Training"/>'s optimiser
/// (its Steps derived from the epochs). The defaults come from the linked static config's per-repo LoRA settings.</summary>
public sealed record PerRepoLoraSettings(int MaxExamples, double Epochs, TrainingConfig Training);

/// <summary>
/// Per-repository LoRAs on the evolution track: one adapter per in-repo repository, trained on that repository's evolution training
/// tasks alone (the same machinery as the static track's <see cref="StaticExperiment.TrainPerRepoLora"/>: the same initial adapter
/// for every repository, PEFT folders, timings.json, resumable, a finished repository skipped). The forge's fairness check 3 compares
/// them with the single LoRA trained on every repository's tasks.
/// </summary>
public static class EvoPerRepoLora
{
    /// <summary>The folder of the adapters trained with <paramref name="settings"/> (its name records the training-set cap and epochs, so
    /// adapters of other settings are never mixed up).</summary>
    public static string Root(EvoExperiment e, PerRepoLoraSettings settings) => Path.Combine(e.RunDirectory,
        FormattableString.Invariant($"per-repo-lora-n{(settings.MaxExamples > 0 ? settings.MaxExamples.ToString() : "all")}-e{settings.Epochs:0.###}"));

    /// <summary>The PEFT folder of one repository's adapter.</summary>
    public static string AdapterDirectory(EvoExperiment e, PerRepoLoraSettings settings, string repoId) => Path.Combine(Root(e, settings), PerRepoLoraFiles.SafeName(repoId));

    /// <summary>True when the repository's adapter is finished (its weights are written last).</summary>
    public static bool Has(EvoExperiment e, PerRepoLoraSettings settings, string repoId) => File.Exists(Path.Combine(AdapterDirectory(e, settings, repoId), PeftAdapterFiles.WeightsFile));

    /// <summary>The training tasks of <paramref name="repoId"/>'s adapter: its evolution-track train tasks, a seeded sample of at most MaxExamples.</summary>
    public static IReadOnlyList<QnaRow> TrainingTasks(EvoExperiment e, PerRepoLoraSettings settings, string repoId) =>
        e.Sample(e.Bench.EvolutionTasks.Where(t => t.Split == SplitNames.Train && t.RepoId == repoId).ToList(), settings.MaxExamples, "per-repo/" + repoId);

    /// <summary>Trains (or resumes) the adapters of <paramref name="repoIds"/> that are not finished; returns what it did.</summary>
    public static PerRepoLoraResult Train(EvoExperiment e, LoadedModel baseModel, IReadOnlyList<string> repoIds, PerRepoLoraSettings settings,
        IProgress<PerRepoLoraProgress>? progress = null, CancellationToken cancel = default)
    {
        var c = e.Config;
        PerRepoLoraFiles.SafeNames(repoIds);
        var root = Root(e, settings);
        var timingsFile = Path.Combine(root, "timings.json");
        var lora = c.Lora with { DetachInput = false };
        var slots = LoraSlots.Install(baseModel.Model, lora);
        var timings = PerRepoLoraFiles.ReadTimings(timingsFile);
        var pad = baseModel.Tokenizer.EosTokenId ?? 0;
        int trained = 0, skipped = 0;
        try
        {
            for (var i = 0; i < repoIds.Count; i++)
            {
                var repo = repoIds[i];
                if (Has(e, settings, repo)) { skipped++; continue; }
                var dir = AdapterDirectory(e, settings, repo);
                var train = TrainingTasks(e, settings, repo);
                if (train.Count == 0) throw new InvalidOperationException($"{repo} has no evolution-track training tasks; a per-repository LoRA needs some.");
                var val = e.Sample(e.Bench.EvolutionTasks.Where(t => t.Split == SplitNames.IrVal && t.RepoId == repo).ToList(), c.ValidationExamples, "per-repo-val/" + repo);
                var batches = new CompletionBatches(CompletionExamples.Build(train, baseModel.Tokenizer, c.MaxTokens, boundary: c.PromptBoundary), c.BatchSize, 1, pad, c.Seed);
                torch.manual_seed(c.Seed);   // every repository starts from the same initial adapter, whatever was skipped
                using var adapter = new LoraAdapter(baseModel.Config, lora, baseModel.Model.Device);
                var recipe = new SingleLoraRecipe(slots, adapter, batches, CompletionExamples.Build(val, baseModel.Tokenizer, c.MaxTokens, boundary: c.PromptBoundary));
                var index = i + 1;
                var result = new Trainer(settings.Training with { Steps = batches.StepsFor(settings.Epochs) }, dir, $"evo-per-repo-lora/{c.Name}/{repo}").Run(recipe,
                    progress is null ? null : new SyncProgress<TrainingProgress>(p => progress.Report(new PerRepoLoraProgress(repo, index, repoIds.Count, p))), cancel);
                if (!result.Completed) return new PerRepoLoraResult(repoIds.Count, trained, skipped, false, timings);
                var seconds = TrainingCheckpoint.Latest(Path.Combine(dir, "checkpoints"))?.State.ElapsedSeconds ?? 0;
                timings[repo] = new PerRepoLoraTiming(Math.Round(seconds, 3), result.Step, train.Count,
                    result.LastEval.TryGetValue("val_loss", out var v) ? Math.Round(v, 4) : null);
                PerRepoLoraFiles.WriteTimings(timingsFile, timings);
                PeftAdapterFiles.Save(dir, adapter, lora, baseModel.Config, baseModel.NameOrPath);   // last: its presence marks the repository done
                trained++;
            }
        }
        finally { slots.Clear(); }
        return new PerRepoLoraResult(repoIds.Count, trained, skipped, true, timings);
    }

    /// <summary>The finished adapters of <paramref name="repoIds"/> (repository id → adapter).</summary>
    public static IReadOnlyDictionary<string, LoraAdapter> Load(EvoExperiment e, PerRepoLoraSettings settings, IEnumerable<string> repoIds, ModelConfig model, TorchSharp.torch.Device device) =>
        repoIds.Distinct(StringComparer.Ordinal).Where(r => Has(e, settings, r))
            .ToDictionary(r => r, r => PeftAdapterFiles.Load(AdapterDirectory(e, settings, r), model, device, e.Config.Lora), StringComparer.Ordinal);

    /// <summary>The weight files of the adapters of <paramref name="repoIds"/>, for a prediction cache's identity.</summary>
    public static string[] WeightFiles(EvoExperiment e, PerRepoLoraSettings settings, IEnumerable<string> repoIds) =>
        repoIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(r => Path.Combine(AdapterDirectory(e, settings, r), PeftAdapterFiles.WeightsFile)).ToArray();
}
