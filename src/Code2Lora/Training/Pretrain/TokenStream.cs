using Code2Lora.Corpora;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Training.Pretrain;

/// <summary>A corpus as one run of token ids: each file's ids followed by end-of-text, files in corpus order.</summary>
public static class TokenStream
{
    /// <summary>Encodes <paramref name="files"/> (in parallel; the result does not depend on scheduling) into one stream.</summary>
    public static int[] Encode(IReadOnlyList<CorpusFile> files, ITextTokenizer tokenizer, IProgress<int>? progress = null)
    {
        var eos = tokenizer.EosTokenId ?? throw new ArgumentException("pretraining needs a tokenizer with an end-of-text token.");
        var parts = new int[files.Count][];
        var done = 0;
        Parallel.For(0, files.Count, i =>
        {
            parts[i] = tokenizer.Encode(files[i].Text);
            progress?.Report(Interlocked.Increment(ref done));
        });
        var stream = new int[parts.Sum(p => (long)p.Length + 1)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(stream, at);
            at += part.Length;
            stream[at++] = eos;
        }
        return stream;
    }
}
