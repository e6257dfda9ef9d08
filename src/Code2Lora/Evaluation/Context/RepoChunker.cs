using Code2Lora.Encoders;
using Code2Lora.Mining;
using Code2Lora.Models.Tokenization;

namespace Code2Lora.Evaluation.Context;

/// <summary>Cuts a repository snapshot into RAG chunks (authors' build_indices.py): token windows of the base tokenizer, decoded, each under a "# File:" header.</summary>
public static class RepoChunker
{
    /// <summary>The header line put before every chunk.</summary>
    public static string Header(string path) => $"# File: {path}\n";

    /// <summary>
    /// The chunks of <paramref name="files"/>: the config's file filter (non-test .py/.md/.rst, path order), each file's
    /// token windows (ChunkTokens, Overlap) decoded back to text, stopping after MaxChunksPerRepo chunks. Files are text
    /// already (<see cref="RepoSource.ReadSnapshot"/> leaves binary and non-UTF-8 files out).
    /// </summary>
    public static IReadOnlyList<RepoChunk> Chunk(IEnumerable<SourceFile> files, ITextTokenizer tokenizer, RagConfig config)
    {
        config.Validate();
        var chunks = new List<RepoChunk>();
        foreach (var file in config.Files.Select(files))
        {
            var ids = tokenizer.Encode(file.Text);
            var windows = ChunkWindows.Split(ids.Length, config.Chunking);
            for (int w = 0; w < windows.Count; w++)
            {
                if (chunks.Count >= config.MaxChunksPerRepo) return chunks;
                var text = tokenizer.Decode(ids.AsSpan(windows[w].Start, windows[w].Length).ToArray());
                chunks.Add(new RepoChunk(file.Path, w, Header(file.Path) + text));
            }
        }
        return chunks;
    }
}
