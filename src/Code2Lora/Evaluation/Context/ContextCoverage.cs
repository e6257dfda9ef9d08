using System.Text.Json.Serialization;

namespace Code2Lora.Evaluation.Context;

/// <summary>
/// Per-provider tally: tasks asked, tasks that got a context, and a count per reason for the rest (missing repository,
/// unreadable snapshot, nothing resolved …). The paper reports DRC coverage as <see cref="Fraction"/> (70.3 % CR, 64.7 % IR).
/// </summary>
public sealed class ContextCoverage
{
    private readonly Dictionary<string, int> reasons = new(StringComparer.Ordinal);

    /// <summary>Tasks asked for a context.</summary>
    [JsonPropertyName("tasks")] public int Tasks { get; private set; }

    /// <summary>Tasks that got a non-empty context.</summary>
    [JsonPropertyName("with_context")] public int WithContext { get; private set; }

    /// <summary>Tasks without context, by reason.</summary>
    [JsonPropertyName("reasons")] public IReadOnlyDictionary<string, int> Reasons => reasons;

    /// <summary>WithContext / Tasks (0 before any task).</summary>
    [JsonPropertyName("coverage")] public double Fraction => Tasks == 0 ? 0 : (double)WithContext / Tasks;

    /// <summary>Counts a task that got a context.</summary>
    public void Found() { Tasks++; WithContext++; }

    /// <summary>Counts a task without context and its reason.</summary>
    public void Missed(string reason)
    {
        Tasks++;
        reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
    }

    /// <summary>Starts the tally afresh (to count a provider's coverage over a given task list).</summary>
    public void Reset()
    {
        Tasks = 0;
        WithContext = 0;
        reasons.Clear();
    }

    /// <summary>A copy that later calls on the provider do not change.</summary>
    public ContextCoverage Snapshot()
    {
        var copy = new ContextCoverage { Tasks = Tasks, WithContext = WithContext };
        foreach (var (reason, n) in reasons) copy.reasons[reason] = n;
        return copy;
    }

    /// <summary>"12/20 tasks (60.0 %); no-used-definitions 5, repo-missing 3".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{WithContext}/{Tasks} tasks ({100 * Fraction:F1} %)")
        + (reasons.Count == 0 ? "" : "; " + string.Join(", ", reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
}
