using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Code2Lora.Models.Tokenization;

/// <summary>A byte-level BPE tokenizer (GPT-2 / Qwen2 family) whose ids equal those of Hugging Face tokenizers for the same tokenizer.json.</summary>
/// <remarks>Pipeline: added tokens are cut out (leftmost-longest, raw ones before normalized ones, as HF's AddedVocabulary),
/// the rest is optionally NFC-normalized, split by the pre-tokenizer, each piece turned into byte-level symbols and merged
/// lowest merge rank first, leftmost first on ties. Results per piece are cached; the tokenizer is safe to share across threads.</remarks>
public sealed class ByteLevelBpeTokenizer : ITextTokenizer
{
    // Cleared when it grows past this, so a long-running encoder over a huge corpus stays bounded.
    private const int MaxCachedPieces = 1 << 20;
    private static readonly string[] EosCandidates = ["<|endoftext|>", "<|end_of_text|>", "</s>"];

    private readonly Dictionary<string, int> _vocab;
    private readonly (string Left, string Right)[] _merges;
    private readonly Dictionary<long, (int Rank, int Id)> _mergeTable;
    private readonly int[] _byteIds = new int[256];
    private readonly string?[] _idToToken;
    private readonly AddedToken[] _addedTokens;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly Regex? _rawAddedRegex;
    private readonly Regex? _normalizedAddedRegex;
    private readonly PreTokenizer _preTokenizer;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cachedPieces;

    /// <summary>Builds a tokenizer from its parts; ids of merged tokens come from <paramref name="vocab"/>.</summary>
    /// <param name="vocab">Model vocabulary: byte-level token string → id; must hold all 256 byte symbols.</param>
    /// <param name="merges">Merges in rank order; each pair and its concatenation must be in <paramref name="vocab"/>.</param>
    /// <param name="addedTokens">Tokens matched verbatim before pre-tokenization (they may or may not also be in <paramref name="vocab"/>).</param>
    /// <param name="preTokenizerPattern">The Split regex (see <see cref="PreTokenizer.Qwen2Pattern"/>).</param>
    /// <param name="nfc">Apply NFC normalization to non-added text (Qwen2's tokenizer.json asks for it).</param>
    /// <param name="ignoreMerges">A piece that is itself a vocab token is taken whole, before merging (HF model.ignore_merges, Llama 3).</param>
    public ByteLevelBpeTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges,
        IReadOnlyList<AddedToken> addedTokens, string preTokenizerPattern, bool nfc = false, bool ignoreMerges = false)
    {
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        _merges = merges.ToArray();
        _addedTokens = addedTokens.OrderBy(t => t.Id).ToArray();
        _preTokenizer = PreTokenizer.ForPattern(preTokenizerPattern);
        Nfc = nfc;
        IgnoreMerges = ignoreMerges;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();

        var size = Math.Max(_vocab.Count == 0 ? 0 : _vocab.Values.Max() + 1, _addedTokens.Length == 0 ? 0 : _addedTokens[^1].Id + 1);
        _idToToken = new string?[size];
        foreach (var (token, id) in _vocab)
        {
            if (id < 0) throw new InvalidDataException($"vocab token '{token}' has negative id {id}.");
            if (_idToToken[id] is { } other) throw new InvalidDataException($"vocab tokens '{other}' and '{token}' share id {id}.");
            _idToToken[id] = token;
        }
        _addedByContent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in _addedTokens)
        {
            if (t.Content.Length == 0) throw new InvalidDataException($"added token {t.Id} has empty content.");
            if (!_addedByContent.TryAdd(t.Content, t.Id)) throw new InvalidDataException($"added token '{t.Content}' is listed twice.");
            if (_idToToken[t.Id] is { } existing && existing != t.Content)
                throw new InvalidDataException($"added token '{t.Content}' has id {t.Id}, which the vocab gives to '{existing}'.");
            _idToToken[t.Id] = t.Content;
        }
        VocabSize = size;
        EosTokenId = EosCandidates.Select(c => _addedByContent.TryGetValue(c, out var id) ? id : (int?)null).FirstOrDefault(id => id is not null);

        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.Symbol((byte)b).ToString();
            if (!_vocab.TryGetValue(symbol, out _byteIds[b]))
                throw new InvalidDataException($"vocab lacks the byte-level symbol '{symbol}' (byte 0x{b:X2}); a byte-level BPE needs all 256.");
        }
        _mergeTable = new Dictionary<long, (int, int)>(_merges.Length);
        for (var rank = 0; rank < _merges.Length; rank++)
        {
            var (left, right) = _merges[rank];
            if (!_vocab.TryGetValue(left, out var a) || !_vocab.TryGetValue(right, out var b) || !_vocab.TryGetValue(left + right, out var merged))
                throw new InvalidDataException($"merge {rank} ('{left}' '{right}') uses a token that is not in the vocab.");
            // A pair listed twice keeps its first (lowest) rank, as HF does.
            _mergeTable.TryAdd(PairKey(a, b), (rank, merged));
        }
        _rawAddedRegex = AlternationOf(_addedTokens.Where(t => !t.Normalized));
        _normalizedAddedRegex = AlternationOf(_addedTokens.Where(t => t.Normalized));
    }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <summary>Id of &lt;|endoftext|&gt; (or &lt;|end_of_text|&gt;, &lt;/s&gt;) among the added tokens, when there is one.</summary>
    public int? EosTokenId { get; }

    /// <summary>Model vocabulary (byte-level strings → ids).</summary>
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>Merges in rank order.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges => _merges;

    /// <summary>Added tokens by id.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _addedTokens;

    /// <summary>The pre-tokenizer regex.</summary>
    public string PreTokenizerPattern => _preTokenizer.Pattern;

    /// <summary>Text outside added tokens is NFC-normalized first.</summary>
    public bool Nfc { get; }

    /// <summary>Whole-piece vocab hits skip merging (HF ignore_merges).</summary>
    public bool IgnoreMerges { get; }

    /// <summary>Loads a Hugging Face tokenizer.json; unsupported contents raise <see cref="NotSupportedException"/> naming the field.</summary>
    public static ByteLevelBpeTokenizer Load(string path) => TokenizerJson.Read(path);

    /// <summary>Writes a tokenizer.json that Hugging Face tokenizers loads (atomically); loading it gives back this tokenizer.</summary>
    public void Save(string path) => TokenizerJson.Write(this, path);

    /// <summary>The token string of an id (byte-level for model tokens), or null for an id outside the vocabulary.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        var pieces = new List<(int Start, int Length)>();
        SplitAdded(text, 0, text.Length, _rawAddedRegex, (start, length) =>
        {
            if (Nfc)
            {
                var segment = text.Substring(start, length);
                var normalized = segment.IsNormalized(NormalizationForm.FormC) ? segment : segment.Normalize(NormalizationForm.FormC);
                SplitAdded(normalized, 0, normalized.Length, _normalizedAddedRegex, (s, l) => EncodeOrdinary(normalized, s, l, ids, pieces), ids);
            }
            else
            {
                SplitAdded(text, start, length, _normalizedAddedRegex, (s, l) => EncodeOrdinary(text, s, l, ids, pieces), ids);
            }
        }, ids);
        return ids.ToArray();
    }

    private void SplitAdded(string text, int start, int length, Regex? added, Action<int, int> ordinary, List<int> ids)
    {
        if (length == 0) return;
        if (added is null)
        {
            ordinary(start, length);
            return;
        }
        var at = start;
        for (var m = added.Match(text, start, length); m.Success; m = m.NextMatch())
        {
            if (m.Index > at) ordinary(at, m.Index - at);
            ids.Add(_addedByContent[m.Value]);
            at = m.Index + m.Length;
        }
        if (start + length > at) ordinary(at, start + length - at);
    }

    private void EncodeOrdinary(string text, int start, int length, List<int> ids, List<(int Start, int Length)> pieces)
    {
        pieces.Clear();
        _preTokenizer.Split(text, start, length, pieces);
        foreach (var (s, l) in pieces)
        {
            var span = text.AsSpan(s, l);
            if (!_cacheBySpan.TryGetValue(span, out var pieceIds))
            {
                pieceIds = EncodePiece(span);
                // ConcurrentDictionary.Count takes every lock, so the size is tracked separately; a rare race only makes the bound approximate.
                if (_cacheBySpan.TryAdd(span, pieceIds) && Interlocked.Increment(ref _cachedPieces) > MaxCachedPieces)
                {
                    _cache.Clear();
                    Interlocked.Exchange(ref _cachedPieces, 0);
                }
            }
            ids.AddRange(pieceIds);
        }
    }

    private int[] EncodePiece(ReadOnlySpan<char> piece)
    {
        var byteCount = Encoding.UTF8.GetByteCount(piece);
        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var bytes = rented.AsSpan(0, Encoding.UTF8.GetBytes(piece, rented));
            if (IgnoreMerges && _vocab.TryGetValue(ByteLevelAlphabet.Encode(bytes), out var whole)) return [whole];
            var symbols = new int[bytes.Length];
            for (var i = 0; i < bytes.Length; i++) symbols[i] = _byteIds[bytes[i]];
            var count = symbols.Length;
            // Lowest rank first, leftmost on ties: HF's priority queue order (rank, position) without its bookkeeping.
            while (count > 1)
            {
                var bestRank = int.MaxValue;
                var bestPos = -1;
                var bestId = 0;
                for (var p = 0; p < count - 1; p++)
                {
                    if (_mergeTable.TryGetValue(PairKey(symbols[p], symbols[p + 1]), out var m) && m.Rank < bestRank)
                        (bestRank, bestPos, bestId) = (m.Rank, p, m.Id);
                }
                if (bestPos < 0) break;
                symbols[bestPos] = bestId;
                Array.Copy(symbols, bestPos + 2, symbols, bestPos + 1, count - bestPos - 2);
                count--;
            }
            return count == symbols.Length ? symbols : symbols[..count];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public string Decode(IReadOnlyList<int> ids)
    {
        var bytes = new List<byte>(ids.Count * 4);
        foreach (var id in ids)
        {
            // Unknown ids are skipped, as HF's decode does.
            if (IdToToken(id) is not { } token) continue;
            var start = bytes.Count;
            var allByteLevel = true;
            foreach (var c in token)
            {
                if (!ByteLevelAlphabet.TryByte(c, out var b)) { allByteLevel = false; break; }
                bytes.Add(b);
            }
            // HF's ByteLevel decoder keeps a token with any non-alphabet character as its own UTF-8 text.
            if (!allByteLevel)
            {
                bytes.RemoveRange(start, bytes.Count - start);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }
        // The UTF-8 decoder replaces each invalid subsequence with U+FFFD rather than throwing.
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    internal static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    // Longest first, so the first matching alternative at a position is the longest: leftmost-longest, as HF's Aho-Corasick matcher.
    private static Regex? AlternationOf(IEnumerable<AddedToken> tokens)
    {
        var contents = tokens.Select(t => t.Content).OrderByDescending(c => c.Length).ThenBy(c => c, StringComparer.Ordinal).ToList();
        return contents.Count == 0 ? null : new Regex(string.Join("|", contents.Select(Regex.Escape)), RegexOptions.CultureInvariant);
    }
}
