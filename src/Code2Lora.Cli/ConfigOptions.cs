using System.CommandLine;
using Code2Lora.Config;

namespace Code2Lora.Cli;

/// <summary>The options every verb that runs an experiment shares: <c>--preset NAME</c> or <c>--config FILE</c>, and repeatable
/// <c>--set key=value</c> overrides of the resolved config.</summary>
internal sealed class ConfigOptions
{
    private readonly string? _kind;
    private readonly Option<string?> _preset;
    private readonly Option<string?> _config;
    private readonly Option<string[]> _set;

    /// <summary>Options for configs of <paramref name="kind"/> (bench, static, evo, pretrain, conditioning; null: named on the command line).</summary>
    public ConfigOptions(string? kind)
    {
        _kind = kind;
        _preset = new Option<string?>("--preset") { Description = kind is null ? "Shipped preset name (default tiny)"
            : $"Shipped preset: {string.Join(" | ", ConfigFiles.Available(kind))} (configs/{kind}/<name>.json; default tiny)" };
        _config = new Option<string?>("--config") { Description = $"A {kind ?? "config"} file (JSON), instead of --preset" };
        _set = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set seed=1 (repeatable; dotted snake_case keys)" };
    }

    /// <summary>Adds the options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(_preset);
        command.Options.Add(_config);
        command.Options.Add(_set);
        return command;
    }

    /// <summary>The preset name or file the user chose (default tiny).</summary>
    public string Selector(ParseResult r)
    {
        var preset = r.GetValue(_preset);
        var config = r.GetValue(_config);
        if (preset is not null && config is not null)
            throw new ConfigException("--config", "", "given together with --preset", "use one: a preset name or a config file");
        return config ?? preset ?? "tiny";
    }

    /// <summary>The config the command line asks for, loaded, checked and recorded for provenance.</summary>
    public LoadedConfig<T> Load<T>(ParseResult r, IEnumerable<string>? extraOverrides = null)
    {
        var loaded = ConfigFiles.Load<T>(_kind ?? throw new InvalidOperationException("these options name no config kind"), Selector(r),
            (r.GetValue(_set) ?? []).Concat(extraOverrides ?? []));
        RunConfigs.Record(loaded.Stamp);
        return loaded;
    }

    /// <summary>The config of <paramref name="kind"/>, named at run time (<c>c2l model copy-check --kind evo</c>), loaded, checked and recorded.</summary>
    public LoadedConfig<T> Load<T>(ParseResult r, string kind)
    {
        var loaded = ConfigFiles.Load<T>(kind, Selector(r), r.GetValue(_set) ?? []);
        RunConfigs.Record(loaded.Stamp);
        return loaded;
    }

    /// <summary>The config of a kind named at run time, boxed (for <c>c2l config show KIND</c>).</summary>
    public LoadedConfig<object> LoadBoxed(ParseResult r, string kind) => ConfigFiles.LoadBoxed(kind, Selector(r), r.GetValue(_set) ?? []);
}
