namespace Code2Lora.Python;

/// <summary>The test function an assertion belongs to (the outermost def reached only through classes) and its class.</summary>
internal readonly record struct EnclosingScope(PyBlock? Function, PyBlock? Class)
{
    /// <summary>Resolves the scope of token <paramref name="token"/>.</summary>
    public static EnclosingScope Of(PyOutline outline, int token)
    {
        PyBlock? cls = null;
        foreach (var block in outline.Ancestry(token))
        {
            if (!block.IsClass) return new EnclosingScope(block, cls);
            cls = block;
        }
        return new EnclosingScope(null, cls);
    }
}
