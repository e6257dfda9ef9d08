using System.Diagnostics;
using Code2Lora.Models;
using Code2Lora.Models.Checkpoints;
using Code2Lora.Runtime;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Throughput;

/// <summary>Measures training throughput of a decoder in TorchSharp and, with the same weights, batch, step and thread
/// count, in PyTorch. Wall-clock figures: run on a quiet machine.</summary>
public static class TrainThroughput
{
    /// <summary>Every configured precision in TorchSharp, then in PyTorch (when asked); <paramref name="log"/> gets a line per run.</summary>
    public static IReadOnlyList<TrainThroughputResult> Measure(TrainThroughputSettings settings, string command, Device? device = null, Action<string>? log = null)
    {
        settings.Validate();
        device ??= CPU;
        var provenance = Provenance.Capture(command);
        if (settings.TrimmedHeap) NativeHeap.UseTrimmedHeap();
        TorchRuntime.SetThreads(settings.EffectiveThreads);
        var work = Directory.CreateTempSubdirectory("c2l-train-speed-").FullName;
        try
        {
            // Both frameworks start from these exact weights and tokens.
            var modelDir = Path.Combine(work, "model");
            Directory.CreateDirectory(modelDir);
            File.WriteAllText(Path.Combine(modelDir, "config.json"), settings.Model.ToJson());
            long[] tokens;
            using (var seeded = Seeded(settings))
            {
                SafeTensors.Save(Path.Combine(modelDir, CheckpointFiles.SingleFileName), seeded.state_dict());
                using var ids = randint(0, settings.Model.VocabSize, [settings.BatchSize, settings.SequenceLength], dtype: ScalarType.Int64);
                tokens = ids.data<long>().ToArray();
            }
            var results = new List<TrainThroughputResult>();
            foreach (var precision in settings.Precisions)
            {
                var r = MeasureTorchSharp(settings, modelDir, tokens, precision, device, provenance);
                log?.Invoke($"TorchSharp {precision}: {r.TokensPerS:F0} tok/s, {r.MsPerStep:F0} ms/step, peak RSS {r.PeakRssMb:F0} MB, loss {r.FirstLoss:F4} → {r.LastLoss:F4}");
                results.Add(r);
            }
            if (settings.CompareWithPyTorch)
            {
                var idsJson = Path.Combine(work, "ids.json");
                File.WriteAllText(idsJson, PyTorchTrainThroughput.IdsJson(tokens, settings.BatchSize, settings.SequenceLength));
                foreach (var precision in settings.Precisions)
                {
                    var r = PyTorchTrainThroughput.Measure(settings, modelDir, idsJson, precision, provenance);
                    log?.Invoke($"PyTorch    {precision}: {r.TokensPerS:F0} tok/s, {r.MsPerStep:F0} ms/step, peak RSS {r.PeakRssMb:F0} MB, loss {r.FirstLoss:F4} → {r.LastLoss:F4}");
                    results.Add(r);
                }
            }
            return results;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static DecoderLM Seeded(TrainThroughputSettings settings)
    {
        manual_seed(settings.Seed);
        return new DecoderLM(settings.Model, CPU);
    }

    private static TrainThroughputResult MeasureTorchSharp(TrainThroughputSettings s, string modelDir, long[] tokens, string precision, Device device, Provenance provenance)
    {
        var load = MachineLoad.Now();
        PeakRss.Reset();
        using var model = new DecoderLM(s.Model, device);
        var weights = CheckpointFiles.LoadDirectory(modelDir, device);
        try { StateDictLoader.Load(model, weights); }
        finally { foreach (var t in weights.Values) t.Dispose(); }
        if (precision == "bf16") model.to(ScalarType.BFloat16);   // before the optimizer: .to replaces the parameter handles
        var parameters = model.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, lr: s.LearningRate, weight_decay: s.WeightDecay);
        using var ids = tensor(tokens, [s.BatchSize, s.SequenceLength], device: device);

        double Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.Forward(ids);
            var (sum, count) = LanguageModelLoss.TokenSum(logits, ids);
            var loss = sum / count;
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, s.MaxGradNorm);
            optimizer.step();
            return loss.item<float>();
        }

        var losses = new List<double>();
        for (var i = 0; i < s.WarmupSteps; i++) losses.Add(Step());
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < s.TimedSteps; i++) losses.Add(Step());
        var seconds = clock.Elapsed.TotalSeconds;
        var version = $"TorchSharp {typeof(torch).Assembly.GetName().Version} · LibTorch backend {BuildInfo.TorchBackend}";
        return new TrainThroughputResult("TorchSharp", version, "scaled_dot_product_attention", precision, s.EffectiveThreads, s.BatchSize, s.SequenceLength,
            s.WarmupSteps, s.TimedSteps, seconds / s.TimedSteps * 1000.0, (double)tokens.Length * s.TimedSteps / seconds, PeakRss.MiB(),
            losses[0], losses[^1], s.Model.Describe(), DecoderLM.CountParameters(s.Model), s.TrimmedHeap, load,
            provenance.Command, provenance.GitSha, provenance.Machine, DateTime.UtcNow);
    }
}
