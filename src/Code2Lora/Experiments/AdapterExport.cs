using System.Diagnostics;
using System.Text.Json;
using Code2Lora.Adapters;
using Code2Lora.Encoders;
using Code2Lora.Hyper;
using Code2Lora.Mining;
using Code2Lora.Runtime;
using TorchSharp;

namespace Code2Lora.Experiments;

/// <summary>What an adapter export did: where it wrote, what it read (the commit of a git repository; for a plain directory, which
/// has no commit, the SHA-1 of its files instead), how long encoding and generation took.</summary>
public sealed record AdapterExportResult(string Directory, string RepoPath, string? CommitSha, int Files, int SkippedFiles, string EncoderId,
    double EncodeMilliseconds, double GenerateMilliseconds)
{
    /// <summary>For a plain directory: the SHA-1 over its files' paths, sizes and contents (null for a git repository).</summary>
    public string? ContentSha1 { get; init; }
}

/// <summary>Turns any repository (git checkout or plain directory) into a PEFT LoRA adapter with a trained Code2LoRA-Static head:
/// encode its current code, run the head once, write adapter_model.safetensors + adapter_config.json.</summary>
public static class AdapterExport
{
    /// <summary>Fails, naming <paramref name="repoPath"/>, when it is no repository to adapt to: missing, unreadable, a git
    /// repository without commits, or a folder without a single file.</summary>
    public static void CheckRepository(string repoPath)
    {
        if (!Directory.Exists(repoPath)) throw new DirectoryNotFoundException($"{repoPath}: no such folder; pass a git work tree or a plain directory of code.");
        using var source = RepoSource.Open(repoPath);
        if (source.IsPlainDirectory && !Directory.EnumerateFiles(repoPath, "*", SearchOption.AllDirectories).Any())
            throw new InvalidOperationException($"{repoPath}: the folder is empty; pass the folder that holds the repository's code.");
    }

    /// <summary>Exports the adapter of the repository at <paramref name="repoPath"/> (HEAD, or the directory as it is) into <paramref name="outDir"/>.</summary>
    public static AdapterExportResult Run(StaticExperiment experiment, string repoPath, string outDir)
    {
        var c = experiment.Config;
        CheckRepository(repoPath);
        var lm = experiment.LoadBase();
        var embedder = new ChunkEmbedder(lm.Model, lm.Tokenizer);
        var encoderId = EncoderId.Compute(embedder, c.Encoder);
        var head = experiment.LoadHead(lm, encoderId, 2 * embedder.Dimension);     // checked before any encoding work

        using var source = RepoSource.Open(Path.GetFullPath(repoPath), null, c.Encoder.State.Files.Rules);
        var snapshot = source.ReadSnapshot(null, c.Encoder.State.Files.Includes);
        var clock = Stopwatch.StartNew();
        var vector = new RepoStateEncoder(embedder, c.Encoder.State).Encode(snapshot.Files, out var empty);
        var encodeMs = clock.Elapsed.TotalMilliseconds;
        if (empty) throw new InvalidOperationException($"{repoPath} has no code the encoder reads ({snapshot.Files.Count} files kept, {snapshot.Skipped.Count} skipped); an adapter would be the zero-context one.");

        clock.Restart();
        using var noGrad = torch.no_grad();
        using var context = torch.tensor(vector, [1, vector.Length], device: lm.Model.Device);
        using var adapter = head.forward(context);
        var generateMs = clock.Elapsed.TotalMilliseconds;
        PeftAdapterFiles.Save(outDir, adapter, c.Lora, lm.Config, lm.NameOrPath);
        var result = new AdapterExportResult(Path.GetFullPath(outDir), Path.GetFullPath(repoPath), source.IsPlainDirectory ? null : snapshot.CommitSha,
            snapshot.Files.Count, snapshot.Skipped.Count, encoderId, Math.Round(encodeMs, 1), Math.Round(generateMs, 2))
        {
            ContentSha1 = source.IsPlainDirectory ? snapshot.CommitSha : null,
        };
        AtomicFile.WriteText(Path.Combine(outDir, "code2lora_provenance.json"),
            JsonSerializer.Serialize(new { result, provenance = Provenance.Capture("c2l adapter export") }, Provenance.Json));
        return result;
    }
}
