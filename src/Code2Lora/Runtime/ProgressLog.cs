using System.Globalization;

namespace Code2Lora.Runtime;

/// <summary>Progress for a log file or a pipe, where bars cannot be drawn: one plain line per phase whenever it has advanced another
/// <see cref="StepFraction"/> of its total (at most one per <see cref="MinimumGap"/>) or <see cref="Interval"/> has passed since its last line (so a stalled phase still shows
/// it is alive), each with the rate and the time left at that rate, and a last line when the phase is done.</summary>
/// <remarks>Lines look like <c>12:04:31 train static: 120/387 (31 %) · 2.1/s · ETA 2m07s · loss 3.210</c>. A timer checks every
/// second for phases that have gone quiet; <see cref="Report(string, int, int, string, DateTime)"/> and <see cref="Tick"/> take the time as an argument for tests.</remarks>
public sealed class ProgressLog : IDisposable
{
    private sealed class Phase
    {
        public required DateTime Started;
        public required int StartDone;
        public int Done, Total;
        public string? Detail;
        public DateTime LastLine;
        public double LastFraction;
        public bool Finished;
    }

    private readonly TextWriter _output;
    private readonly Func<DateTime> _now;
    private readonly Dictionary<string, Phase> _phases = new(StringComparer.Ordinal);
    private readonly Timer? _timer;

    /// <summary>A log writing to <paramref name="output"/>; with <paramref name="heartbeat"/> a timer prints quiet phases on its own.</summary>
    public ProgressLog(TextWriter output, TimeSpan? interval = null, double stepFraction = 0.05, bool heartbeat = true, Func<DateTime>? now = null)
    {
        _output = output;
        _now = now ?? (() => DateTime.Now);
        Interval = interval ?? TimeSpan.FromSeconds(10);
        StepFraction = stepFraction;
        if (heartbeat) _timer = new Timer(_ => Tick(_now()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The longest a running phase stays silent.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The share of a phase's total after which a line is printed even before <see cref="Interval"/> is up.</summary>
    public double StepFraction { get; }

    /// <summary>The least time between two lines of a phase, so a fast phase does not print twenty lines in a second.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(2);

    /// <summary>Records where <paramref name="phase"/> is now and prints a line if one is due.</summary>
    public void Report(string phase, int done, int total, string? detail = null) => Report(phase, done, total, detail, _now());

    /// <summary><see cref="Report(string,int,int,string)"/> at a given time.</summary>
    public void Report(string phase, int done, int total, string? detail, DateTime now)
    {
        lock (_phases)
        {
            if (!_phases.TryGetValue(phase, out var p))
            {
                _phases[phase] = p = new Phase { Started = now, StartDone = done, LastLine = now, LastFraction = Fraction(done, total) };
                (p.Done, p.Total, p.Detail) = (done, total, detail);
                if (total <= 0 || done < total) Write(phase, p, now, started: true);
            }
            if (p.Finished && done >= p.Done) return;
            (p.Done, p.Total, p.Detail, p.Finished) = (done, total, detail, false);
            if (total > 0 && done >= total)
            {
                p.Finished = true;
                Write(phase, p, now);
            }
            else if (now - p.LastLine >= Interval || (Fraction(done, total) - p.LastFraction >= StepFraction && now - p.LastLine >= MinimumGap))
                Write(phase, p, now);
        }
    }

    /// <summary>Prints a line for every unfinished phase that has been silent for <see cref="Interval"/>.</summary>
    public void Tick(DateTime now)
    {
        lock (_phases)
            foreach (var (name, p) in _phases)
                if (!p.Finished && now - p.LastLine >= Interval) Write(name, p, now);
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose() => _timer?.Dispose();

    private void Write(string name, Phase p, DateTime now, bool started = false)
    {
        p.LastLine = now;
        p.LastFraction = Fraction(p.Done, p.Total);
        _output.WriteLine(Line(name, p.Done, p.Total, p.Detail, now - p.Started, p.Done - p.StartDone, now, started));
        _output.Flush();
    }

    /// <summary>One progress line: counts, percent, rate and time left (or time taken, once done).</summary>
    public static string Line(string phase, int done, int total, string? detail, TimeSpan elapsed, int doneSinceStart, DateTime now, bool started = false)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        var count = total > 0 ? string.Create(inv, $"{done}/{total} ({100.0 * done / total:F0} %)") : done.ToString(inv);
        var rate = elapsed.TotalSeconds > 0 ? doneSinceStart / elapsed.TotalSeconds : 0;
        if (started) parts.Add(total > 0 ? string.Create(inv, $"started, {done}/{total}") : "started");
        else if (total > 0 && done >= total)
            parts.Add($"{count} done in {Duration(elapsed)}" + (rate > 0 ? $" ({Rate(rate)})" : ""));
        else
        {
            parts.Add(count);
            parts.Add(rate > 0 ? Rate(rate) : "no step finished yet");
            if (rate > 0 && total > 0) parts.Add("ETA " + Duration(TimeSpan.FromSeconds((total - done) / rate)));
        }
        if (!string.IsNullOrWhiteSpace(detail)) parts.Add(detail);
        return $"{now.ToString("HH:mm:ss", inv)} {phase}: {string.Join(" · ", parts)}";
    }

    private static double Fraction(int done, int total) => total > 0 ? (double)done / total : 0;

    private static string Rate(double perSecond) => perSecond >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{perSecond:0.##}/s")
        : string.Create(CultureInfo.InvariantCulture, $"{1 / perSecond:0.#} s each");

    /// <summary>"45s", "2m07s", "1h03m".</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s"
        : $"{Math.Max(0, (int)Math.Round(t.TotalSeconds))}s";
}
