using System.Collections.Immutable;

namespace Code2Lora.Config;

/// <summary>The configs the current run was started with, for provenance: a verb records each config it resolves, and every
/// result file written afterwards in the same flow names them (file, overrides, hash of the resolved config).</summary>
public static class RunConfigs
{
    private static readonly AsyncLocal<ImmutableList<ConfigStamp>> _current = new();

    /// <summary>The configs recorded so far in this flow (empty outside a verb).</summary>
    public static IReadOnlyList<ConfigStamp> Current => _current.Value ?? [];

    /// <summary>Records <paramref name="stamp"/> (once per kind: a later config of the same kind replaces the earlier one).</summary>
    public static void Record(ConfigStamp stamp) =>
        _current.Value = (_current.Value ?? []).RemoveAll(s => s.Kind == stamp.Kind).Add(stamp);
}
