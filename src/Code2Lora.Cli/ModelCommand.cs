using System.CommandLine;
using System.Globalization;
using Code2Lora.Models;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l model info`: a dry run of a decoder config — dimensions, parameter count and memory plan, no weights allocated;
/// `c2l model copy-check`: the base model's in-context copy check (<see cref="CopyCheckCommand"/>).</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = $"Registered config: {string.Join(", ", ModelConfigs.Names)}." };
        var config = new Option<FileInfo?>("--config") { Description = "A Hugging Face config.json instead of a registered name." };
        var dtype = new Option<string>("--dtype") { Description = "Weight dtype for the plan: fp32, bf16, fp16.", DefaultValueFactory = _ => "fp32" };
        var info = new Command("info", "Print a decoder config, its parameter count and memory plan without allocating the model.") { model, config, dtype };
        info.SetAction(parse => CliErrors.Run(() =>
        {
                var name = parse.GetValue(model);
                var path = parse.GetValue(config);
                if ((name is null) == (path is null)) throw new ArgumentException("give exactly one of --model NAME or --config path/to/config.json.");
                var c = path is not null ? ModelConfig.FromJson(path.FullName) : ModelConfigs.Get(name!);
                var scalar = MemoryPlan.ParseDType(parse.GetValue(dtype)!);
                Print(name ?? path!.FullName, c, scalar);
                return 0;
        }));
        var cmd = new Command("model", "Decoder LM configs (Qwen2/Qwen3 family).");
        cmd.Subcommands.Add(info);
        cmd.Subcommands.Add(CopyCheckCommand.Create());
        return cmd;
    }

    private static void Print(string source, ModelConfig c, TorchSharp.torch.ScalarType dtype)
    {
        var plan = MemoryPlan.For(c, dtype);
        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(source)}[/]: {Markup.Escape(c.Describe())}");
        AnsiConsole.WriteLine(c.ToJson());
        var meta = MemoryPlan.CountOnMetaDevice(c, dtype);
        var how = meta is null
            ? "analytic count (meta device unavailable in this LibTorch)"
            : meta == plan.Parameters ? "analytic count, confirmed by building the modules on the meta device" : $"MISMATCH: meta-device modules hold {meta:N0}";
        AnsiConsole.WriteLine(string.Create(inv, $"parameters      : {plan.Parameters:N0} ({how})"));
        AnsiConsole.WriteLine(string.Create(inv, $"weights ({dtype,-8}): {Gib(plan.WeightBytes)}"));
        AnsiConsole.WriteLine(string.Create(inv, $"AdamW full FT   : {Gib(plan.AdamWFullFineTuneBytes)} (16 B/param: fp32 weights, grads, 2 moments; activations extra)"));
        AnsiConsole.WriteLine(string.Create(inv, $"KV cache / 1k tok: {plan.KvCacheBytesPer1kTokens / (1024.0 * 1024):F1} MiB per sequence at {dtype}"));
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):F2} GiB ({bytes:N0} B)");
}
