using System.Text.Encodings.Web;
using System.Text.Json;
using Code2Lora.Runtime;

namespace Code2Lora.Models.Tokenization;

/// <summary>Reads and writes Hugging Face tokenizer.json files of byte-level BPE models.</summary>
/// <remarks>Accepted: model BPE (no dropout, no subword prefix/suffix, no byte fallback), normalizer null or NFC, pre_tokenizer
/// ByteLevel(use_regex=true) or Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)], decoder ByteLevel.
/// post_processor, truncation and padding are not used by <see cref="ITextTokenizer.Encode"/> and are not read.</remarks>
internal static class TokenizerJson
{
    /// <summary>Parses <paramref name="path"/> into a tokenizer.</summary>
    public static ByteLevelBpeTokenizer Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer.json not found: {path}", path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            try
            {
                return Parse(doc.RootElement);
            }
            catch (NotSupportedException e)
            {
                throw new NotSupportedException($"{path}: {e.Message}", e);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }
    }

    private static ByteLevelBpeTokenizer Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the document is not a JSON object.");
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("there is no \"model\" object.");
        var type = Str(model, "type");
        if (type is not null && type != "BPE")
            throw new NotSupportedException($"model.type '{type}' is not supported (only byte-level BPE).");
        if (!model.TryGetProperty("merges", out var mergesElement) || mergesElement.ValueKind != JsonValueKind.Array)
            throw new NotSupportedException("model has no \"merges\" array, so it is not a BPE model.");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind != JsonValueKind.Null)
            throw new NotSupportedException($"model.dropout {dropout.GetRawText()} is not supported (only null).");
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (Str(model, affix) is { Length: > 0 } value)
                throw new NotSupportedException($"model.{affix} '{value}' is not supported in a byte-level BPE.");
        if (Bool(model, "byte_fallback") == true) throw new NotSupportedException("model.byte_fallback true is not supported.");
        var ignoreMerges = Bool(model, "ignore_merges") ?? false;

        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("model has no \"vocab\" object.");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocabElement.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id))
                throw new InvalidDataException($"model.vocab['{p.Name}'] is {p.Value.GetRawText()}, expected an integer id.");
            vocab[p.Name] = id;
        }
        var merges = new List<(string, string)>();
        foreach (var m in mergesElement.EnumerateArray()) merges.Add(ReadMerge(m, merges.Count));

        var nfc = ReadNormalizer(root);
        var pattern = ReadPreTokenizer(root);
        ReadDecoder(root);
        var added = ReadAddedTokens(root);
        CheckAddedIds(added, vocab);
        return new ByteLevelBpeTokenizer(vocab, merges, added, pattern, nfc, ignoreMerges);
    }

    private static (string, string) ReadMerge(JsonElement m, int index)
    {
        if (m.ValueKind == JsonValueKind.String)
        {
            var parts = m.GetString()!.Split(' ');
            if (parts.Length != 2) throw new InvalidDataException($"model.merges[{index}] '{m.GetString()}' is not two tokens separated by one space.");
            return (parts[0], parts[1]);
        }
        if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2 && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
            return (m[0].GetString()!, m[1].GetString()!);
        throw new InvalidDataException($"model.merges[{index}] is {m.GetRawText()}, expected \"a b\" or [\"a\", \"b\"].");
    }

    private static bool ReadNormalizer(JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null) return false;
        var type = Str(n, "type");
        if (type == "NFC") return true;
        if (type == "Sequence" && n.TryGetProperty("normalizers", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var types = list.EnumerateArray().Select(e => Str(e, "type")).ToList();
            if (types.All(t => t == "NFC")) return types.Count > 0;
            throw new NotSupportedException($"normalizer Sequence [{string.Join(", ", types)}] is not supported (only NFC).");
        }
        throw new NotSupportedException($"normalizer type '{type}' is not supported (only null or NFC): it would change the text before BPE.");
    }

    private static string ReadPreTokenizer(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var p) || p.ValueKind == JsonValueKind.Null)
            throw new NotSupportedException("pre_tokenizer null is not supported (a byte-level BPE needs ByteLevel).");
        var type = Str(p, "type");
        if (type == "ByteLevel")
        {
            CheckByteLevel(p, "pre_tokenizer");
            if (Bool(p, "use_regex") == false)
                throw new NotSupportedException("pre_tokenizer ByteLevel with use_regex false and no Split is not supported (the text would be one piece).");
            return PreTokenizer.Gpt2Pattern;
        }
        if (type == "Sequence" && p.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 2)
        {
            var (split, byteLevel) = (list[0], list[1]);
            if (Str(split, "type") != "Split")
                throw new NotSupportedException($"pre_tokenizer.pretokenizers[0] type '{Str(split, "type")}' is not supported (expected Split).");
            if (Str(byteLevel, "type") != "ByteLevel")
                throw new NotSupportedException($"pre_tokenizer.pretokenizers[1] type '{Str(byteLevel, "type")}' is not supported (expected ByteLevel).");
            CheckByteLevel(byteLevel, "pre_tokenizer.pretokenizers[1]");
            if (Bool(byteLevel, "use_regex") != false)
                throw new NotSupportedException("pre_tokenizer.pretokenizers[1] ByteLevel use_regex true after a Split is not supported.");
            if (Str(split, "behavior") is var behavior && behavior != "Isolated")
                throw new NotSupportedException($"pre_tokenizer Split behavior '{behavior}' is not supported (only Isolated).");
            if (Bool(split, "invert") == true) throw new NotSupportedException("pre_tokenizer Split invert true is not supported.");
            if (!split.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object || Str(pattern, "Regex") is not { } regex)
                throw new NotSupportedException($"pre_tokenizer Split pattern {(split.TryGetProperty("pattern", out var raw) ? raw.GetRawText() : "(none)")} is not supported (only {{\"Regex\": …}}).");
            return regex;
        }
        throw new NotSupportedException($"pre_tokenizer type '{type}' is not supported (ByteLevel, or Sequence[Split, ByteLevel]).");
    }

    private static void CheckByteLevel(JsonElement e, string where)
    {
        if (Bool(e, "add_prefix_space") == true) throw new NotSupportedException($"{where} ByteLevel add_prefix_space true is not supported.");
    }

    private static void ReadDecoder(JsonElement root)
    {
        if (!root.TryGetProperty("decoder", out var d) || d.ValueKind == JsonValueKind.Null)
            throw new NotSupportedException("decoder null is not supported (expected ByteLevel).");
        if (Str(d, "type") is var type && type != "ByteLevel")
            throw new NotSupportedException($"decoder type '{type}' is not supported (expected ByteLevel).");
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var result = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind == JsonValueKind.Null) return result;
        if (list.ValueKind != JsonValueKind.Array) throw new InvalidDataException("added_tokens is not an array.");
        foreach (var t in list.EnumerateArray())
        {
            if (!t.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var id) || Str(t, "content") is not { } content)
                throw new InvalidDataException($"added token {t.GetRawText()} lacks an integer id or a string content.");
            foreach (var flag in new[] { "single_word", "lstrip", "rstrip" })
                if (Bool(t, flag) == true) throw new NotSupportedException($"added token '{content}' has {flag} true, which is not supported.");
            result.Add(new AddedToken(id, content, Bool(t, "special") ?? false, Bool(t, "normalized") ?? false));
        }
        return result;
    }

    // HF ignores the id written in the file: a token in model.vocab takes its vocab id, any other the next id past the vocab
    // (tokenizers' AddedVocabulary, which only warns on a mismatch). A file whose ids disagree would encode differently there.
    private static void CheckAddedIds(List<AddedToken> added, Dictionary<string, int> vocab)
    {
        int? max = null;
        foreach (var t in added)
        {
            var assigned = vocab.TryGetValue(t.Content, out var id) ? id
                : max is not int m ? vocab.Count
                : m >= vocab.Count || vocab.Count == 0 ? m + 1 : vocab.Count;
            if (assigned != t.Id)
                throw new InvalidDataException($"added token '{t.Content}' is written with id {t.Id}, but Hugging Face tokenizers would give it id {assigned} (its model.vocab id, or the next id after the vocab).");
            max = Math.Max(max ?? assigned, assigned);
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>Writes the canonical tokenizer.json of <paramref name="t"/> (vocab ordered by id), atomically.</summary>
    public static void Write(ByteLevelBpeTokenizer t, string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            foreach (var a in t.AddedTokens)
            {
                json.WriteStartObject();
                json.WriteNumber("id", a.Id);
                json.WriteString("content", a.Content);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", a.Normalized);
                json.WriteBoolean("special", a.Special);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (t.Nfc)
            {
                json.WriteStartObject("normalizer");
                json.WriteString("type", "NFC");
                json.WriteEndObject();
            }
            else json.WriteNull("normalizer");

            json.WriteStartObject("pre_tokenizer");
            json.WriteString("type", "Sequence");
            json.WriteStartArray("pretokenizers");
            json.WriteStartObject();
            json.WriteString("type", "Split");
            json.WriteStartObject("pattern");
            json.WriteString("Regex", t.PreTokenizerPattern);
            json.WriteEndObject();
            json.WriteString("behavior", "Isolated");
            json.WriteBoolean("invert", false);
            json.WriteEndObject();
            WriteByteLevel(json, null);
            json.WriteEndArray();
            json.WriteEndObject();
            WriteByteLevel(json, "post_processor");
            WriteByteLevel(json, "decoder");

            json.WriteStartObject("model");
            json.WriteString("type", "BPE");
            json.WriteNull("dropout");
            json.WriteNull("unk_token");
            json.WriteNull("continuing_subword_prefix");
            json.WriteNull("end_of_word_suffix");
            json.WriteBoolean("fuse_unk", false);
            json.WriteBoolean("byte_fallback", false);
            json.WriteBoolean("ignore_merges", t.IgnoreMerges);
            json.WriteStartObject("vocab");
            foreach (var (token, id) in t.Vocab.OrderBy(kv => kv.Value)) json.WriteNumber(token, id);
            json.WriteEndObject();
            // "a b" strings are read by every tokenizers version; byte-level tokens never contain a space, others get the array form.
            json.WriteStartArray("merges");
            foreach (var (left, right) in t.Merges)
            {
                if (left.Contains(' ') || right.Contains(' '))
                {
                    json.WriteStartArray();
                    json.WriteStringValue(left);
                    json.WriteStringValue(right);
                    json.WriteEndArray();
                }
                else json.WriteStringValue(left + " " + right);
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.Flush();
            stream.WriteByte((byte)'\n');
        });
    }

    private static void WriteByteLevel(Utf8JsonWriter json, string? name)
    {
        if (name is null) json.WriteStartObject(); else json.WriteStartObject(name);
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", false);
        json.WriteBoolean("use_regex", false);
        json.WriteEndObject();
    }
}
