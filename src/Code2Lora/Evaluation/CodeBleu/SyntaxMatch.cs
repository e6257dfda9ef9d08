using Code2Lora.Evaluation.TreeSitter;

namespace Code2Lora.Evaluation;

/// <summary>CodeBLEU's syntax part (the codebleu package's corpus_syntax_match) compares the S-expressions of the reference's
/// subtrees (the root and every node with children) with the set of the candidate's.</summary>
internal static class SyntaxMatch
{
    /// <summary>get_all_sub_trees: the S-expression of the root and of every node with children, duplicates kept.</summary>
    public static IEnumerable<string> SubtreeExpressions(SyntaxNode root)
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
