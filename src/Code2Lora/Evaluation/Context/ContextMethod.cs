using Code2Lora.Adapters;
using Code2Lora.Bench;
using Code2Lora.Evaluation.Methods;

namespace Code2Lora.Evaluation.Context;

/// <summary>
/// Any method plus a context provider: the inner method prepares the model (base, merged FFT weights, a LoRA), the
/// provider supplies the text before the prefix. rag = base + RAG, fft-rag = FFT + RAG, slora-rag = sLoRA + RAG, drc = base + DRC.
/// </summary>
public sealed class ContextMethod(ICompletionMethod inner, IContextProvider context, string name) : ICompletionMethod
{
    /// <inheritdoc />
    public string Name => name;

    /// <summary>The provider (its <see cref="IContextProvider.Coverage"/> is what the run reports).</summary>
    public IContextProvider Provider => context;

    /// <summary>The provider's context; if the inner method has one too, the provider's comes first (farther from the prefix).</summary>
    public string? ContextFor(QnaRow task)
    {
        var outer = context.ContextFor(task);
        var own = inner.ContextFor(task);
        if (own is null) return outer;
        return outer is null ? own : outer + own;
    }

    /// <inheritdoc />
    public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => inner.BeforeBatch(tasks);

    /// <summary>Wraps <paramref name="inner"/> so its prompts carry <paramref name="context"/> (e.g. WithContext(fft, rag, "fft-rag")).</summary>
    public static ContextMethod WithContext(ICompletionMethod inner, IContextProvider context, string name) => new(inner, context, name);

    /// <summary>The frozen base model with a context (the "rag" and "drc" rows); clears any installed adapter before each batch.</summary>
    public static ContextMethod OnBase(IContextProvider context, string name, LoraSlots? slots = null) => new(new BaseModelMethod(name, slots), context, name);
}
