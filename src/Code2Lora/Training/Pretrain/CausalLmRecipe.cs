using Code2Lora.Models;
using Code2Lora.Runtime;
using Code2Lora.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Training.Pretrain;

/// <summary>Next-token pretraining on a token stream: each micro-batch is <c>batchSize</c> windows of <c>sequenceLength</c>
/// tokens at offsets drawn from (seed, step, micro) alone, as nanoGPT samples them; evaluation is the mean loss over fixed,
/// evenly spaced windows of a held-out stream, and, with a <see cref="CopyCurve"/>, the copy check on its fixed sample.</summary>
public sealed class CausalLmRecipe : ITrainingRecipe
{
    private readonly DecoderLM _model;
    private readonly int[] _train;
    private readonly int[] _heldOut;
    private readonly int _sequenceLength;
    private readonly int _batchSize;
    private readonly long _seed;
    private readonly int _evalSequences;
    private readonly CopyCurve? _copyCurve;

    /// <summary>Trains every parameter of <paramref name="model"/>; matrices get weight decay, norms and biases do not. Each evaluation
    /// also measures <paramref name="copyCurve"/> when one is given.</summary>
    public CausalLmRecipe(DecoderLM model, int[] train, int[] heldOut, int sequenceLength, int batchSize, long seed, int evalSequences, CopyCurve? copyCurve = null)
    {
        if (train.Length <= sequenceLength)
            throw new ArgumentException($"the training stream has {train.Length} tokens, fewer than one {sequenceLength}-token window.");
        (_model, _train, _heldOut, _sequenceLength, _batchSize, _seed, _evalSequences) = (model, train, heldOut, sequenceLength, batchSize, seed, evalSequences);
        _copyCurve = copyCurve;
        Trainable = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.dim() >= 2)).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Tensor Param, bool Decay)> Trainable { get; }

    /// <inheritdoc />
    public (Tensor Loss, long Tokens) Loss(int step, int micro)
    {
        var rng = SeededRandom.For(_seed, $"batch/{step}/{micro}");
        var offsets = Enumerable.Range(0, _batchSize).Select(_ => rng.Next(_train.Length - _sequenceLength + 1)).ToArray();
        var ids = Windows(_train, offsets);
        var (sum, tokens) = LanguageModelLoss.TokenSum(_model.Forward(ids), ids);
        return (sum / tokens, tokens);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(int step)
    {
        var metrics = new Dictionary<string, double>();
        if (HeldOutLoss(_model, _heldOut, _sequenceLength, _evalSequences, _batchSize) is { } loss) metrics["held_out_loss"] = loss;
        if (_copyCurve is not null)
            foreach (var (key, value) in _copyCurve.Measure(_model)) metrics[key] = value;
        return metrics;
    }

    /// <summary>Mean next-token loss (nats/token) of <paramref name="model"/> over up to <paramref name="windows"/> evenly spaced
    /// windows of <paramref name="stream"/>; null when the stream is shorter than one window.</summary>
    public static double? HeldOutLoss(DecoderLM model, int[] stream, int sequenceLength, int windows, int batchSize)
    {
        var count = Math.Min(windows, stream.Length / sequenceLength);
        if (count == 0) return null;
        var stride = stream.Length / count;
        var offsets = Enumerable.Range(0, count).Select(i => Math.Min(i * stride, stream.Length - sequenceLength)).ToArray();
        double sum = 0;
        long tokens = 0;
        using var noGrad = torch.no_grad();
        foreach (var chunk in offsets.Chunk(batchSize))
        {
            using var scope = torch.NewDisposeScope();
            var ids = Windows(stream, chunk, model.Device, sequenceLength);
            var (s, n) = LanguageModelLoss.TokenSum(model.Forward(ids), ids);
            sum += s.to(ScalarType.Float64).item<double>();
            tokens += n;
        }
        return sum / tokens;
    }

    private Tensor Windows(int[] stream, int[] offsets) => Windows(stream, offsets, _model.Device, _sequenceLength);

    private static Tensor Windows(int[] stream, int[] offsets, Device device, int length)
    {
        var flat = new long[offsets.Length * length];
        for (var b = 0; b < offsets.Length; b++)
            for (var t = 0; t < length; t++) flat[b * length + t] = stream[offsets[b] + t];
        return torch.tensor(flat, [offsets.Length, length], device: device);
    }
}
