using System.Diagnostics;
using System.Globalization;
using Code2Lora.Hub;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>Shows a Hub download: live Spectre bars (total + one per file in flight) on a terminal, plain periodic lines with rate and ETA
/// when stdout is redirected (logs, CI, SLURM).</summary>
internal static class HubProgressView
{
    private static readonly TimeSpan LineEvery = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="work"/> while rendering its progress reports.</summary>
    public static async Task<T> RunAsync<T>(Func<IProgress<HubProgress>, Task<T>> work) =>
        AnsiConsole.Profile.Capabilities.Interactive ? await Live(work) : await Lines(work);

    private static async Task<T> Lines<T>(Func<IProgress<HubProgress>, Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        var gate = new object();
        var next = LineEvery;
        HubProgress? last = null;
        var result = await work(new SyncProgress<HubProgress>(p =>
        {
            lock (gate)
            {
                last = p;
                if (clock.Elapsed < next) return;
                next = clock.Elapsed + LineEvery;
                Console.WriteLine(Line(p, clock.Elapsed));
            }
        }));
        lock (gate)
            if (last is not null) Console.WriteLine(Line(last, clock.Elapsed));
        return result;
    }

    /// <summary>"  1.20 GiB / 3.09 GiB (38.8 %), 45.3 MiB/s, ETA 42 s, 3/12 files".</summary>
    internal static string Line(HubProgress p, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? p.BytesTransferred / elapsed.TotalSeconds : 0;
        var left = p.BytesTotal - p.BytesDone;
        var eta = left <= 0 ? "done" : rate > 0 ? "ETA " + Duration(TimeSpan.FromSeconds(left / rate)) : "ETA ?";
        var percent = p.BytesTotal > 0 ? 100.0 * p.BytesDone / p.BytesTotal : 100.0;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {Bytes(p.BytesDone)} / {Bytes(p.BytesTotal)} ({percent:F1} %), {Bytes((long)rate)}/s, {eta}, {p.FilesDone}/{p.FilesTotal} files");
    }

    private static async Task<T> Live<T>(Func<IProgress<HubProgress>, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var gate = new object();
                ProgressTask? total = null;
                var files = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                result = await work(new SyncProgress<HubProgress>(p =>
                {
                    lock (gate)
                    {
                        total ??= ctx.AddTask("total", maxValue: Math.Max(1, p.BytesTotal));
                        total.Description = $"total ({p.FilesDone}/{p.FilesTotal} files)";
                        total.Value = Math.Min(p.BytesDone, total.MaxValue);
                        var f = p.File;
                        if (!files.TryGetValue(f.Path, out var bar))
                        {
                            if (f.State is HubFileState.Done or HubFileState.Failed) return;
                            files[f.Path] = bar = ctx.AddTask(Markup.Escape(Short(f.Path)), maxValue: Math.Max(1, f.Size));
                        }
                        bar.Value = Math.Min(f.Done, bar.MaxValue);
                        if (f.State == HubFileState.Waiting) bar.Description = Markup.Escape(Short(f.Path)) + " [grey](locked by another download)[/]";
                        if (f.State is HubFileState.Done or HubFileState.Failed) bar.StopTask();
                    }
                }));
                lock (gate)
                    if (total is not null) total.Value = total.MaxValue;
            });
        return result;
    }

    /// <summary>Bytes in binary units: "512 B", "3.09 GiB".</summary>
    internal static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        var u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0 ? $"{n} B" : string.Create(CultureInfo.InvariantCulture, $"{v:F2} {units[u]}");
    }

    private static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:D2} min" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:D2} s" : $"{t.TotalSeconds:F0} s";

    private static string Short(string s) => s.Length <= 40 ? s : "…" + s[^39..];
}
