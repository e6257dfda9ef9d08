namespace Code2Lora.Evaluation;

/// <summary>
/// The benchmark's prediction post-processing and metrics (paper-notes §1.8), behaving exactly like the authors'
/// Python: FIM tokens stripped, over-generation cut to the target's shape, "relaxed" exact match, and EditSim as
/// difflib's SequenceMatcher ratio.
/// </summary>
public static class Metrics
{
    /// <summary>Qwen's fill-in-the-middle tokens, which RAG and DRC contexts make models emit.</summary>
    public static readonly IReadOnlyList<string> FimTokens = ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"];

    /// <summary>Everything before the first '#', stripped (the authors' rule: it does not look inside strings).</summary>
    public static string StripComment(string s) => PyText.Strip(s.Split('#')[0]);

    /// <summary>Cleans a raw generation against its target: FIM tokens, first line, comment, first comma, first word.</summary>
    public static string PostProcess(string prediction, string target)
    {
        var pred = prediction;
        foreach (var tok in FimTokens) pred = pred.Replace(tok, "");
        pred = PyText.Strip(pred);
        if (!target.Contains('\n') && pred.Contains('\n')) pred = pred.Split('\n')[0];
        pred = StripComment(pred);
        var reference = PyText.Strip(StripComment(target));
        if (reference.Length > 0)
        {
            // Over-generation: a target without a comma (or a single word) cannot be followed by more arguments or words.
            if (!reference.Contains(',') && pred.Contains(',')) pred = PyText.Strip(pred.Split(',')[0]);
            if (PyText.Split(reference).Count == 1 && PyText.Split(PyText.Strip(pred)).Count > 1) pred = PyText.Split(PyText.Strip(pred))[0];
        }
        return PyText.Strip(pred);
    }

    /// <summary>The normal form exact match compares: stripped, trailing ":, \t" removed, comma spacing and whitespace runs folded.</summary>
    public static string NormalizeForMatch(string s)
    {
        s = PyText.RStrip(PyText.Strip(s), ":, \t");
        s = s.Replace(", ", ",").Replace(" ,", ",");
        return string.Join(' ', PyText.Split(s));
    }

    /// <summary>Relaxed exact match of two already post-processed strings.</summary>
    public static bool ExactMatch(string prediction, string reference) => NormalizeForMatch(prediction) == NormalizeForMatch(reference);

    /// <summary>difflib.SequenceMatcher(None, prediction, reference).ratio().</summary>
    public static double EditSimilarity(string prediction, string reference) => SequenceMatcher.Ratio(prediction, reference);

    /// <summary>The authors' per-task CodeBLEU of two already post-processed strings (see <see cref="Evaluation.CodeBleu.ForTask"/>).</summary>
    public static double CodeBleu(string prediction, string reference) => Evaluation.CodeBleu.ForTask(prediction, reference);

    /// <summary>Post-processes a raw generation and scores it against the target.</summary>
    public static TaskScore Score(string rawPrediction, string target)
    {
        var pred = PostProcess(rawPrediction, target);
        var reference = StripComment(target);
        return new TaskScore(pred, reference, ExactMatch(pred, reference), EditSimilarity(pred, reference), CodeBleu(pred, reference));
    }
}

/// <summary>One task's scores, with the cleaned strings they were computed on.</summary>
public sealed record TaskScore(string Prediction, string Reference, bool ExactMatch, double EditSimilarity, double CodeBleu);
