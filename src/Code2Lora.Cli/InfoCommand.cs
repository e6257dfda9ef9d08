using System.CommandLine;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l info`: proves the native stack loads and prints what this process runs on.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var cmd = new Command("info", "Load LibTorch and libgit2 and print versions, device and code provenance.");
        cmd.SetAction(_ =>
        {
            AnsiConsole.MarkupLine($"[bold]Code2Lora.NET[/] {Markup.Escape(BuildInfo.Version)}");
            AnsiConsole.MarkupLine($"torch  : {Markup.Escape(TorchRuntime.Describe())}");
            AnsiConsole.MarkupLine($"libgit2: {Markup.Escape(LibGit2Sharp.GlobalSettings.Version.ToString())}");
            AnsiConsole.MarkupLine($"git sha: {Markup.Escape(Provenance.CodeVersion())}");
            AnsiConsole.MarkupLine($"heap   : mmap threshold fix {(NativeHeap.UseTrimmedHeap() ? "on" : "not applicable")}");
            return 0;
        });
        return cmd;
    }
}
