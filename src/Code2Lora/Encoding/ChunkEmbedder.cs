using System.Security.Cryptography;
using System.Text;
using Code2Lora.Models;
using Code2Lora.Models.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Encoders;

/// <summary>One text's windows after embedding: how many embedder tokens the whole text had, and one vector per kept window.</summary>
public sealed record ChunkedText(int TokenCount, IReadOnlyList<float[]> Chunks);

/// <summary>
/// A frozen decoder used as a text encoder: texts → token windows → batched forward (no_grad) → masked mean of the
/// last hidden states, pooled in fp32. The device is the model's.
/// </summary>
public sealed class ChunkEmbedder
{
    private readonly DecoderLM model;
    private readonly ITextTokenizer tokenizer;
    private readonly int padId;
    private string? fingerprint;

    /// <summary>Wraps a frozen model and the tokenizer its vocabulary belongs to.</summary>
    /// <param name="model">The frozen encoder; its device and dtype are used as they are.</param>
    /// <param name="tokenizer">Its tokenizer; window sizes count these tokens.</param>
    /// <param name="batchSize">Windows per forward pass (memory knob; does not change a vector).</param>
    /// <param name="padding">Where batches are padded (does not change a vector).</param>
    public ChunkEmbedder(DecoderLM model, ITextTokenizer tokenizer, int batchSize = 8, PaddingSide padding = PaddingSide.Left)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}.", nameof(batchSize));
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"the tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary has {model.Config.VocabSize}; they do not belong together.");
        this.model = model;
        this.tokenizer = tokenizer;
        BatchSize = batchSize;
        Padding = padding;
        padId = tokenizer.EosTokenId ?? 0;
    }

    /// <summary>Width of a chunk vector (the model's hidden size).</summary>
    public int Dimension => model.Config.HiddenSize;

    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Padding side of the batches.</summary>
    public PaddingSide Padding { get; }

    /// <summary>Forward passes run so far (lets callers and tests see that cached work did no model call).</summary>
    public long ForwardPasses { get; private set; }

    /// <summary>Windows embedded so far.</summary>
    public long WindowsEmbedded { get; private set; }

    /// <summary>Tokens fed to the model so far (padding excluded).</summary>
    public long TokensEmbedded { get; private set; }

    /// <summary>
    /// SHA-256 (hex) of the model config, every parameter's bytes in name order, and the tokenizer's ids for a probe
    /// text: it changes whenever weights or vocabulary change. Computed once (a 0.6B model takes a few seconds).
    /// </summary>
    public string Fingerprint => fingerprint ??= ComputeFingerprint();

    /// <summary>Token windows of every text (the ids each window feeds the model), without running the model.</summary>
    public IReadOnlyList<(int TokenCount, IReadOnlyList<int[]> Windows)> Tokenize(IReadOnlyList<string> texts, ChunkingConfig chunking)
    {
        chunking.Validate();
        var result = new List<(int, IReadOnlyList<int[]>)>(texts.Count);
        foreach (var text in texts)
        {
            var ids = tokenizer.Encode(text);
            var windows = new List<int[]>();
            foreach (var w in ChunkWindows.Split(ids.Length, chunking))
            {
                var window = ids.AsSpan(w.Start, w.Length).ToArray();
                if (chunking.RetokenizeMaxLength is int max)
                {
                    // The authors decode each window and tokenize the text again (truncating on the right); ids can differ at a cut multi-byte character.
                    window = tokenizer.Encode(tokenizer.Decode(window));
                    if (window.Length > max) window = window[..max];
                }
                if (window.Length > 0) windows.Add(window);
            }
            result.Add((ids.Length, windows));
        }
        return result;
    }

    /// <summary>Embeds every text's windows (batched across texts); a text with no kept window gets no chunk vectors.</summary>
    public IReadOnlyList<ChunkedText> Embed(IReadOnlyList<string> texts, ChunkingConfig chunking)
    {
        var tokenized = Tokenize(texts, chunking);
        var all = new List<(int Text, int Slot, int[] Ids)>();
        var vectors = new float[texts.Count][][];
        for (int t = 0; t < tokenized.Count; t++)
        {
            vectors[t] = new float[tokenized[t].Windows.Count][];
            for (int s = 0; s < tokenized[t].Windows.Count; s++) all.Add((t, s, tokenized[t].Windows[s]));
        }
        // Windows of similar length share a batch so little compute goes to padding; padding never changes a vector.
        var ordered = all.OrderBy(w => w.Ids.Length).ToList();
        for (int i = 0; i < ordered.Count; i += BatchSize)
        {
            var batch = ordered.GetRange(i, Math.Min(BatchSize, ordered.Count - i));
            var pooled = MeanPool(batch.Select(b => b.Ids).ToList());
            for (int j = 0; j < batch.Count; j++) vectors[batch[j].Text][batch[j].Slot] = pooled[j];
        }
        return tokenized.Select((t, i) => new ChunkedText(t.TokenCount, vectors[i])).ToList();
    }

    /// <summary>The masked mean [B,H] (fp32, on the model's device) of <paramref name="model"/>'s last hidden states over ids [B,T] and
    /// their 1/0 mask: the chunk vector of paper-notes §1.2.</summary>
    public static Tensor MaskedMean(DecoderLM model, Tensor ids, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = model.HiddenStates(ids, mask).to(ScalarType.Float32);
        var m = mask.to(ScalarType.Float32).unsqueeze(-1);
        return ((hidden * m).sum(1) / m.sum(1)).MoveToOuterDisposeScope();
    }

    /// <summary>One forward pass over <paramref name="windows"/> (padded into one batch); returns each window's masked mean in fp32.</summary>
    public float[][] MeanPool(IReadOnlyList<int[]> windows)
    {
        if (windows.Count == 0) return [];
        int vocab = model.Config.VocabSize;
        foreach (var w in windows)
        {
            if (w.Length == 0) throw new ArgumentException("an empty window cannot be embedded.");
            foreach (var id in w)
                if (id < 0 || id >= vocab) throw new ArgumentException($"token id {id} is outside the model's vocabulary (0..{vocab - 1}); tokenizer and model do not match.");
        }
        int longest = windows.Max(w => w.Length);
        var ids = new long[windows.Count * longest];
        var mask = new long[windows.Count * longest];
        for (int b = 0; b < windows.Count; b++)
        {
            var w = windows[b];
            int offset = Padding == PaddingSide.Left ? longest - w.Length : 0;
            for (int t = 0; t < longest; t++) ids[b * longest + t] = padId;
            for (int t = 0; t < w.Length; t++)
            {
                ids[b * longest + offset + t] = w[t];
                mask[b * longest + offset + t] = 1;
            }
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var device = model.Device;
        var pooled = MaskedMean(model, torch.tensor(ids, [windows.Count, longest], device: device), torch.tensor(mask, [windows.Count, longest], device: device));
        var flat = pooled.cpu().data<float>().ToArray();
        ForwardPasses++;
        WindowsEmbedded += windows.Count;
        TokensEmbedded += windows.Sum(w => (long)w.Length);

        int d = (int)pooled.shape[1];
        var result = new float[windows.Count][];
        for (int b = 0; b < windows.Count; b++) result[b] = flat.AsSpan(b * d, d).ToArray();
        return result;
    }

    private string ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(model.Config.ToJson() + ";qk_norm=" + model.Config.QkNorm));
        using (var noGrad = torch.no_grad())
        {
            foreach (var (name, p) in model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
            {
                using var scope = torch.NewDisposeScope();
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name + ":" + p.dtype + ":" + string.Join(",", p.shape) + ";"));
                hash.AppendData(p.detach().cpu().contiguous().bytes);
            }
        }
        // The tokenizer has no version of its own: its ids for a probe that covers code, prose and non-ASCII stand in for it.
        const string probe = "def f(x):\n    return x ** 2  # ünïcödé → 数据\n\tclass A: pass\r\n";
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"vocab={tokenizer.VocabSize};eos={tokenizer.EosTokenId};" + string.Join(",", tokenizer.Encode(probe))));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
