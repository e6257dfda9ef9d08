using Code2Lora.Runtime;

namespace Code2Lora.Tests.Runtime;

/// <summary>Progress in a log: a line at start, every 5 % (but not within 2 s of the last) or after 10 s of silence, and at the end,
/// each with the rate and the time left.</summary>
public sealed class ProgressLogTests
{
    private static readonly DateTime T0 = new(2026, 12, 3, 12, 0, 0);

    private static (ProgressLog Log, StringWriter Text) NewLog()
    {
        var text = new StringWriter();
        return (new ProgressLog(text, heartbeat: false, now: () => throw new InvalidOperationException("tests pass the time")), text);
    }

    private static string[] Lines(StringWriter text) => text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public void ASteadyPhasePrintsEveryFivePercentWithRateAndEta()
    {
        var (log, text) = NewLog();
        log.Report("train static", 0, 400, null, T0);
        for (var step = 1; step <= 400; step++) log.Report("train static", step, 400, $"loss {4 - step / 200.0:F3}", T0.AddSeconds(step * 0.5));
        var lines = Lines(text);
        Assert.Equal("12:00:00 train static: started, 0/400", lines[0]);
        Assert.Equal("12:00:10 train static: 20/400 (5 %) · 2/s · ETA 3m10s · loss 3.900", lines[1]);
        Assert.Equal("12:03:20 train static: 400/400 (100 %) done in 3m20s (2/s) · loss 2.000", lines[^1]);
        Assert.Equal(21, lines.Length);                    // start, 19 steps of 5 %, done
    }

    [Fact]
    public void AFastPhaseIsNotPrintedMoreThanOnceEveryTwoSeconds()
    {
        var (log, text) = NewLog();
        for (var i = 0; i <= 100; i++) log.Report("rag cr_test", i, 100, null, T0.AddSeconds(i * 0.05));   // 5 s in all
        var lines = Lines(text);
        Assert.Equal(4, lines.Length);                     // start, at 2 s, at 4 s, done
        Assert.EndsWith("100/100 (100 %) done in 5s (20/s)", lines[^1]);
    }

    [Fact]
    public void ASlowPhaseIsPrintedEveryTenSecondsEvenWithoutReports()
    {
        var (log, text) = NewLog();
        log.Report("embed states", 0, 1000, null, T0);
        log.Report("embed states", 1, 1000, "debian/python3-six", T0.AddSeconds(8));
        log.Tick(T0.AddSeconds(9));
        log.Tick(T0.AddSeconds(10));
        log.Tick(T0.AddSeconds(15));
        log.Tick(T0.AddSeconds(20));
        var lines = Lines(text);
        Assert.Equal(3, lines.Length);
        Assert.Equal("12:00:10 embed states: 1/1000 (0 %) · 10 s each · ETA 2h46m · debian/python3-six", lines[1]);
        Assert.StartsWith("12:00:20 embed states: 1/1000 (0 %) · 20 s each", lines[2]);
    }

    [Fact]
    public void AResumedPhaseMeasuresItsRateFromWhereItResumed()
    {
        var (log, text) = NewLog();
        log.Report("train evo", 300, 400, null, T0);
        log.Report("train evo", 320, 400, null, T0.AddSeconds(10));
        Assert.Equal("12:00:10 train evo: 320/400 (80 %) · 2/s · ETA 40s", Lines(text)[1]);
        log.Report("train evo", 400, 400, null, T0.AddSeconds(50));
        Assert.Contains("done in 50s (2/s)", Lines(text)[^1]);
    }

    [Fact]
    public void DurationsReadAsAPersonWouldWriteThem()
    {
        Assert.Equal("45s", ProgressLog.Duration(TimeSpan.FromSeconds(45)));
        Assert.Equal("2m07s", ProgressLog.Duration(TimeSpan.FromSeconds(127)));
        Assert.Equal("1h03m", ProgressLog.Duration(TimeSpan.FromMinutes(63)));
    }
}
