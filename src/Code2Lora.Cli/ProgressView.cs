using Code2Lora.Bench;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>Renders library progress reports as Spectre.Console progress bars, one bar per phase.</summary>
internal static class ProgressView
{
    /// <summary>Runs <paramref name="work"/> with live bars; without a terminal (a log, a pipe), prints plain progress lines with
    /// rate and ETA at least every 10 s per running phase (<see cref="ProgressLog"/>).</summary>
    public static async Task<T> RunAsync<T>(Func<IProgress<BenchProgress>, Task<T>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            using var log = new ProgressLog(Console.Out);
            return await work(new SyncProgress<BenchProgress>(p => log.Report(p.Phase, p.Done, p.Total, p.Current)));
        }
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                result = await work(new SyncProgress<BenchProgress>(p =>
                {
                    lock (bars)
                    {
                        if (!bars.TryGetValue(p.Phase, out var bar)) bars[p.Phase] = bar = ctx.AddTask(p.Phase, maxValue: Math.Max(1, p.Total));
                        bar.MaxValue = Math.Max(1, p.Total);
                        bar.Value = Math.Min(p.Done, bar.MaxValue);
                        bar.Description = p.Current is { Length: > 0 } c && p.Done < p.Total ? $"{p.Phase} [grey]{Markup.Escape(Short(c))}[/]" : p.Phase;
                    }
                }));
            });
        return result;
    }

    private static string Short(string s) => s.Length <= 36 ? s : "…" + s[^35..];
}
