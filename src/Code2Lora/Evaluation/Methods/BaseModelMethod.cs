using Code2Lora.Adapters;
using Code2Lora.Bench;

namespace Code2Lora.Evaluation.Methods;

/// <summary>The frozen base model as it is (the "pretrained" row): clears any installed adapter before each batch.</summary>
public sealed class BaseModelMethod(string name, LoraSlots? slots = null) : ICompletionMethod
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public string? ContextFor(QnaRow task) => null;

    /// <inheritdoc />
    public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => slots?.Clear();
}

/// <summary>One adapter for every task (single LoRA, the mean adapter, a loaded PEFT file).</summary>
public sealed class FixedAdapterMethod(string name, LoraSlots slots, ILoraSource adapter) : ICompletionMethod
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public string? ContextFor(QnaRow task) => null;

    /// <inheritdoc />
    public void BeforeBatch(IReadOnlyList<QnaRow> tasks) => slots.Use(adapter);
}
