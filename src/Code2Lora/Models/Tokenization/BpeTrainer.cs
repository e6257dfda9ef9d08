using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Code2Lora.Models.Tokenization;

/// <summary>Learns a byte-level BPE from texts: ids are the special tokens, then the 256 bytes (in byte order), then merges in the order learned.</summary>
/// <remarks>Pieces (pre-tokenizer words) are counted once; each merge then only revisits the words that hold its pair, updating pair counts
/// incrementally. The next merge is the most frequent pair; ties go to the smallest (left id, right id), so training is deterministic.</remarks>
public static class BpeTrainer
{
    private const int ProgressEvery = 500;

    /// <summary>Trains on <paramref name="texts"/> (pre-tokenized in parallel) and returns the tokenizer, ready to <see cref="ByteLevelBpeTokenizer.Save"/>.</summary>
    public static ByteLevelBpeTokenizer Train(IEnumerable<string> texts, BpeTrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var specials = settings.SpecialTokens;
        if (specials.Any(string.IsNullOrEmpty) || specials.Distinct(StringComparer.Ordinal).Count() != specials.Count)
            throw new ArgumentException("special tokens must be non-empty and distinct.", nameof(settings));
        if (settings.VocabSize < specials.Count + 256)
            throw new ArgumentException($"vocab size {settings.VocabSize} is below the {specials.Count} special tokens + 256 byte symbols.", nameof(settings));
        if (settings.MinPairFrequency < 1) throw new ArgumentException("min pair frequency must be at least 1.", nameof(settings));

        var wordCounts = CountWords(texts, settings);
        var tokens = new List<string>(settings.VocabSize);
        tokens.AddRange(specials);
        for (var b = 0; b < 256; b++) tokens.Add(ByteLevelAlphabet.Symbol((byte)b).ToString());
        var merges = Learn(wordCounts, tokens, specials.Count, settings);

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < tokens.Count; id++) vocab[tokens[id]] = id;
        var added = specials.Select((s, id) => new AddedToken(id, s)).ToList();
        return new ByteLevelBpeTokenizer(vocab, merges, added, settings.PreTokenizerPattern);
    }

    private static Dictionary<string, long> CountWords(IEnumerable<string> texts, BpeTrainerSettings settings)
    {
        var preTokenizer = PreTokenizer.ForPattern(settings.PreTokenizerPattern);
        var specials = settings.SpecialTokens.Count == 0 ? null
            : new Regex(string.Join("|", settings.SpecialTokens.OrderByDescending(s => s.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        var partials = new ConcurrentBag<Dictionary<string, long>>();
        long textsDone = 0;
        Parallel.ForEach(texts, () => new Dictionary<string, long>(StringComparer.Ordinal), (text, state, local) =>
        {
            var lookup = local.GetAlternateLookup<ReadOnlySpan<char>>();
            var pieces = new List<(int Start, int Length)>();
            var at = 0;
            void Count(int start, int length)
            {
                if (length == 0) return;
                pieces.Clear();
                preTokenizer.Split(text, start, length, pieces);
                foreach (var (s, l) in pieces) CollectionsMarshal.GetValueRefOrAddDefault(lookup, text.AsSpan(s, l), out _)++;
            }
            if (specials is not null)
                for (var m = specials.Match(text); m.Success; m = m.NextMatch())
                {
                    Count(at, m.Index - at);
                    at = m.Index + m.Length;
                }
            Count(at, text.Length - at);
            var done = Interlocked.Increment(ref textsDone);
            if (done % 1000 == 0) settings.Progress?.Invoke(new BpeTrainerProgress("words", done, -1));
            return local;
        }, partials.Add);

        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in partials)
            foreach (var (word, count) in part) CollectionsMarshal.GetValueRefOrAddDefault(total, word, out _) += count;
        settings.Progress?.Invoke(new BpeTrainerProgress("words", textsDone, textsDone));
        return total;
    }

    private static List<(string, string)> Learn(Dictionary<string, long> wordCounts, List<string> tokens, int firstByteId, BpeTrainerSettings settings)
    {
        // Words in ordinal order, so every index and set below is the same on every run.
        var words = new int[wordCounts.Count][];
        var counts = new long[wordCounts.Count];
        var w = 0;
        foreach (var (word, count) in wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var bytes = Encoding.UTF8.GetBytes(word);
            words[w] = bytes.Select(b => firstByteId + b).ToArray();
            counts[w++] = count;
        }

        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        for (w = 0; w < words.Length; w++) AddPairs(words[w], w, counts[w], pairCounts, pairWords, null);

        var queue = new PriorityQueue<long, (long Count, long Pair)>(
            Comparer<(long Count, long Pair)>.Create((x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair)));
        foreach (var (pair, count) in pairCounts) queue.Enqueue(pair, (count, pair));

        var tokenIds = tokens.Select((t, id) => (t, id)).ToDictionary(p => p.t, p => p.id, StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        var target = settings.VocabSize - tokens.Count;
        var touched = new HashSet<long>();
        while (tokens.Count < settings.VocabSize && queue.TryDequeue(out var best, out var queued))
        {
            var current = pairCounts.GetValueOrDefault(best);
            // Counts of existing pairs only ever fall, so a stale entry is re-queued with its true count and the head is then exact.
            if (current != queued.Count)
            {
                if (current >= settings.MinPairFrequency) queue.Enqueue(best, (current, best));
                continue;
            }
            if (current < settings.MinPairFrequency) break;

            var (left, right) = ((int)(best >> 32), (int)(best & 0xFFFFFFFF));
            var merged = tokens[left] + tokens[right];
            // Two merge paths can spell the same string ("ab"+"c", "a"+"bc"): the token keeps its first id, as HF's trainer does.
            if (!tokenIds.TryGetValue(merged, out var newId))
            {
                newId = tokens.Count;
                tokens.Add(merged);
                tokenIds[merged] = newId;
            }
            merges.Add((tokens[left], tokens[right]));

            touched.Clear();
            foreach (var wi in pairWords[best].Order())
            {
                var word = words[wi];
                if (!Contains(word, left, right)) continue;
                AddPairs(word, wi, -counts[wi], pairCounts, null, null);
                words[wi] = word = Merge(word, left, right, newId);
                AddPairs(word, wi, counts[wi], pairCounts, pairWords, touched);
            }
            pairCounts.Remove(best);
            pairWords.Remove(best);
            // Only pairs holding the new token can have grown; they are new, so they go in the queue now.
            foreach (var pair in touched)
            {
                if ((int)(pair >> 32) != newId && (int)(pair & 0xFFFFFFFF) != newId) continue;
                if (pairCounts.TryGetValue(pair, out var c) && c > 0) queue.Enqueue(pair, (c, pair));
            }
            if (merges.Count % ProgressEvery == 0) settings.Progress?.Invoke(new BpeTrainerProgress("merges", merges.Count, target));
        }
        settings.Progress?.Invoke(new BpeTrainerProgress("merges", merges.Count, target));
        return merges;
    }

    private static void AddPairs(int[] word, int wordIndex, long delta, Dictionary<long, long> pairCounts, Dictionary<long, HashSet<int>>? pairWords, HashSet<long>? touched)
    {
        for (var i = 0; i + 1 < word.Length; i++)
        {
            var pair = ByteLevelBpeTokenizer.PairKey(word[i], word[i + 1]);
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _);
            count += delta;
            if (pairWords is not null)
            {
                ref var set = ref CollectionsMarshal.GetValueRefOrAddDefault(pairWords, pair, out var exists);
                if (!exists) set = [];
                set!.Add(wordIndex);
            }
            touched?.Add(pair);
        }
    }

    private static bool Contains(int[] word, int left, int right)
    {
        for (var i = 0; i + 1 < word.Length; i++)
            if (word[i] == left && word[i + 1] == right) return true;
        return false;
    }

    // Left to right, non-overlapping: "a a a" with (a, a) becomes "aa a", as the encoder would produce.
    private static int[] Merge(int[] word, int left, int right, int newId)
    {
        var result = new List<int>(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            if (i + 1 < word.Length && word[i] == left && word[i + 1] == right)
            {
                result.Add(newId);
                i++;
            }
            else result.Add(word[i]);
        }
        return result.ToArray();
    }
}
