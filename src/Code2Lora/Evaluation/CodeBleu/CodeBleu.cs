using Code2Lora.Evaluation.TreeSitter;

namespace Code2Lora.Evaluation;

/// <summary>A CodeBLEU score and its four parts, each in [0, 1].</summary>
/// <param name="Score">0.25 × (n-gram + weighted n-gram + syntax + data flow), the data-flow part counted as 1 when it is 0.</param>
/// <param name="NgramMatch">BLEU-4 over whitespace tokens.</param>
/// <param name="WeightedNgramMatch">BLEU-4 with Python keywords weighted 1 and other unigrams 0.2.</param>
/// <param name="SyntaxMatch">Share of the reference's AST subtrees found in the candidate.</param>
/// <param name="DataflowMatch">Share of the reference's normalised data-flow edges found in the candidate (0 when it has none).</param>
public sealed record CodeBleuScore(double Score, double NgramMatch, double WeightedNgramMatch, double SyntaxMatch, double DataflowMatch);

/// <summary>
/// CodeBLEU for Python exactly as the <c>codebleu</c> package (k4black/codebleu 0.7.1, <c>calc_codebleu(refs, preds,
/// lang="python")</c>) defines it, with tree-sitter-python for the syntax and data-flow parts, and the per-task rule the
/// paper's authors wrap around it (paper-notes §1.8). The package's quirks are kept because published numbers include
/// them: a zero data-flow match counts as 1, the weighted BLEU's brevity penalty uses reference length 2, and bare string
/// literals are removed as docstrings before parsing. docs/metrics.md lists where this port can differ.
/// </summary>
public static class CodeBleu
{
    /// <summary>calc_codebleu over a corpus: each prediction with one or more references; the n-gram parts are micro-averaged.</summary>
    public static CodeBleuScore Corpus(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> predictions)
    {
        if (references.Count != predictions.Count)
            throw new ArgumentException($"{references.Count} reference lists for {predictions.Count} predictions; give one list per prediction", nameof(references));
        if (references.Any(r => r.Count == 0)) throw new ArgumentException("every prediction needs at least one reference", nameof(references));
        var refs = references.Select(r => r.Select(PyText.Strip).ToList()).ToList();
        var hyps = predictions.Select(PyText.Strip).ToList();

        var refTokens = refs.Select(r => (IReadOnlyList<string[]>)r.Select(s => PyText.Split(s).ToArray()).ToList()).ToList();
        var hypTokens = hyps.Select(h => PyText.Split(h).ToArray()).ToList();
        var ngram = NgramMatch.Bleu(refTokens, hypTokens);
        var weighted = NgramMatch.WeightedBleu(refTokens, hypTokens, PythonKeywords.Set);

        int syntaxMatched = 0, syntaxTotal = 0, flowMatched = 0, flowTotal = 0;
        for (int i = 0; i < hyps.Count; i++)
        {
            var candidate = hyps[i];
            foreach (var rawReference in refs[i])
            {
                // The package re-strips the already stripped candidate for every further reference; kept for equal scores.
                candidate = DocstringStripper.Strip(candidate);
                var reference = DocstringStripper.Strip(rawReference);
                var candidateParts = StructureOf(candidate);
                var referenceParts = StructureOf(reference);

                syntaxTotal += referenceParts.Subtrees.Count;
                foreach (var sexp in referenceParts.Subtrees)
                {
                    if (candidateParts.SubtreeSet.Contains(sexp)) syntaxMatched++;
                }

                var candidateFlow = candidateParts.Dataflow.ToList();
                flowTotal += referenceParts.Dataflow.Count;
                foreach (var edge in referenceParts.Dataflow)
                {
                    int at = candidateFlow.FindIndex(c => c.Variable == edge.Variable && c.Relation == edge.Relation && c.Parents.SequenceEqual(edge.Parents));
                    if (at < 0) continue;
                    flowMatched++;
                    candidateFlow.RemoveAt(at);
                }
            }
        }
        double syntax = syntaxTotal == 0 ? 0 : (double)syntaxMatched / syntaxTotal;
        double dataflow = flowTotal == 0 ? 0 : (double)flowMatched / flowTotal;
        var score = 0.25 * ngram + 0.25 * weighted + 0.25 * syntax + 0.25 * (dataflow == 0 ? 1 : dataflow);
        return new CodeBleuScore(score, ngram, weighted, syntax, dataflow);
    }

    /// <summary>The syntax and data-flow view of one (comment- and docstring-stripped) string, computed once per distinct
    /// string: every method of an evaluation is scored against the same targets, and predictions repeat.</summary>
    private static CodeStructure StructureOf(string code)
    {
        if (Structures.TryGetValue(code, out var cached)) return cached;
        using var tree = SyntaxTree.Parse(code);
        var subtrees = SyntaxMatch.SubtreeExpressions(tree.Root).ToList();
        var structure = new CodeStructure(subtrees, new HashSet<string>(subtrees, StringComparer.Ordinal),
            PythonDataflow.Normalize(PythonDataflow.Extract(tree, code)));
        if (Structures.Count >= MaxCachedStructures) Structures.Clear();
        Structures[code] = structure;
        return structure;
    }

    private const int MaxCachedStructures = 20_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CodeStructure> Structures = new(StringComparer.Ordinal);

    private sealed record CodeStructure(IReadOnlyList<string> Subtrees, HashSet<string> SubtreeSet,
        IReadOnlyList<(string Variable, string Relation, string[] Parents)> Dataflow);

    /// <summary>calc_codebleu([reference], [prediction], "python") for one pair.</summary>
    public static CodeBleuScore Compute(string prediction, string reference) => Corpus([[reference]], [prediction]);

    /// <summary>The authors' per-task score (evaluation/metrics.py code_bleu_score): 0 when either side is blank, 1 when the
    /// stripped strings are equal, else the package's CodeBLEU.</summary>
    public static double ForTask(string prediction, string reference)
    {
        var p = PyText.Strip(prediction);
        var r = PyText.Strip(reference);
        if (p.Length == 0 || r.Length == 0) return 0;
        if (p == r) return 1;
        return Compute(prediction, reference).Score;
    }
}
