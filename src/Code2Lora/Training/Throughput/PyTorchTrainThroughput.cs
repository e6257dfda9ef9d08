using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Code2Lora.Config;
using Code2Lora.Runtime;

namespace Code2Lora.Training.Throughput;

/// <summary>The PyTorch side of the comparison: scripts/reference/train_throughput.py, one process per precision.</summary>
public static class PyTorchTrainThroughput
{
    /// <summary>The script in this checkout.</summary>
    public static string Script => Path.Combine(RepoPaths.Root, "scripts", "reference", "train_throughput.py");

    /// <summary>The token batch as the script reads it: {"input_ids": [[…]]}.</summary>
    public static string IdsJson(long[] tokens, int batch, int length) =>
        JsonSerializer.Serialize(new { input_ids = Enumerable.Range(0, batch).Select(b => tokens.AsSpan(b * length, length).ToArray()).ToArray() });

    /// <summary>Runs the script on the saved model and batch; throws with the fix when PyTorch is missing.</summary>
    public static TrainThroughputResult Measure(TrainThroughputSettings s, string modelDir, string idsJson, string precision, Provenance provenance)
    {
        var inv = CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo(s.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-B", Script, modelDir, idsJson, $"--threads={s.EffectiveThreads}", $"--warmup={s.WarmupSteps}",
                     $"--steps={s.TimedSteps}", $"--precision={precision}", string.Create(inv, $"--lr={s.LearningRate}"),
                     string.Create(inv, $"--weight-decay={s.WeightDecay}"), string.Create(inv, $"--max-grad-norm={s.MaxGradNorm}") })
            psi.ArgumentList.Add(a);
        // Same allocator behaviour as the TorchSharp process (NativeHeap.UseTrimmedHeap).
        if (s.TrimmedHeap) psi.Environment["MALLOC_MMAP_THRESHOLD_"] = (128 * 1024).ToString(inv);
        var load = MachineLoad.Now();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {s.Python}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var why = stderr.Result.Contains("No module named 'torch'", StringComparison.Ordinal)
                ? $"{s.Python} has no PyTorch: run scripts/install.sh (python3-torch + libopenblas0-pthread), or pass --no-pytorch."
                : $"{Script} exited with {p.ExitCode}.";
            throw new InvalidOperationException($"{why}\n{stderr.Result.Trim()}");
        }
        var line = stdout.Result.Trim().Split('\n')[^1];
        var o = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidDataException($"{Script} printed no JSON result: {stdout.Result}");
        double D(string key) => o[key]?.GetValue<double>() ?? throw new InvalidDataException($"{Script} result lacks '{key}': {line}");
        var version = $"PyTorch {o["torch_version"]} · BLAS {o["blas"]}";
        return new TrainThroughputResult("PyTorch", version, "eager matmul-softmax", precision, o["threads"]!.GetValue<int>(), s.BatchSize, s.SequenceLength,
            s.WarmupSteps, s.TimedSteps, D("ms_per_step"), D("tokens_per_s"), D("peak_rss_mb"), D("first_loss"), D("last_loss"),
            s.Model.Describe(), Models.DecoderLM.CountParameters(s.Model), s.TrimmedHeap, load,
            provenance.Command, provenance.GitSha, provenance.Machine, DateTime.UtcNow);
    }
}
