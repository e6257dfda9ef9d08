using System.Diagnostics;
using System.Globalization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Code2Lora.Notebooks;

/// <summary><c>#!time</c> and <c>#!lsmagic</c>, which VS Code's kernel takes from Microsoft.DotNet.Interactive.Jupyter
/// (not served by the registry): the same directive names and the same output text.</summary>
internal static class MagicCommands
{
    /// <summary>Adds both directives to the root kernel, where every cell's magic lines are parsed.</summary>
    public static void Add(CompositeKernel kernel)
    {
        kernel.AddDirective(new KernelActionDirective("#!time") { Description = "Time the execution of the following code in the submission." },
            (_, context) =>
            {
                var clock = Stopwatch.StartNew();
                context.OnComplete(done =>
                {
                    var text = $"Wall time: {clock.Elapsed.TotalMilliseconds.ToString("0.####", CultureInfo.InvariantCulture)}ms";
                    done.Publish(new DisplayedValueProduced(clock.Elapsed, context.Command, [new FormattedValue(PlainTextFormatter.MimeType, text)]));
                });
                return Task.CompletedTask;
            });
        kernel.AddDirective(new KernelActionDirective("#!lsmagic") { Description = "List the available magic commands / directives" },
            (_, context) =>
            {
                var lines = new List<string>();
                kernel.VisitSubkernelsAndSelf(k =>
                {
                    lines.Add($"{k.Name} kernel");
                    lines.AddRange(k.KernelInfo.SupportedDirectives.Where(d => !d.Hidden).OrderBy(d => d.Name, StringComparer.Ordinal)
                        .Select(d => $"    {d.Name}  {d.Description}".TrimEnd()));
                });
                var text = string.Join("\n", lines);
                context.Publish(new DisplayedValueProduced(text, context.Command, [new FormattedValue(PlainTextFormatter.MimeType, text)]));
                return Task.CompletedTask;
            });
    }
}
