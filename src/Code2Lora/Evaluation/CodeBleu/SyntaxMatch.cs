using Code2Lora.Evaluation.TreeSitter;

namespace Code2Lora.Evaluation;

/// <summary>CodeBLEU's syntax part (the codebleu package's corpus_syntax_match): the S-expressions of the reference's
/// subtrees (the root and every node with children) that also occur among the candidate's.</summary>
internal static class SyntaxMatch
{
    /// <summary>Matched reference subtrees and all reference subtrees (duplicates counted, as the package counts them).</summary>
    public static (int Matched, int Total) Count(SyntaxTree candidate, SyntaxTree reference)
    {
        var candidateSet = new HashSet<string>(SubtreeExpressions(candidate.Root), StringComparer.Ordinal);
        int matched = 0, total = 0;
        foreach (var sexp in SubtreeExpressions(reference.Root))
        {
            total++;
            if (candidateSet.Contains(sexp)) matched++;
        }
        return (matched, total);
    }

    private static IEnumerable<string> SubtreeExpressions(SyntaxNode root)
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node.SExpression();
            foreach (var child in node.Children)
            {
                if (child.Children.Count != 0) stack.Push(child);
            }
        }
    }
}
