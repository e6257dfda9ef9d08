using System.Text;

namespace Code2Lora.Notebooks;

/// <summary>A console writer that hands text to the running cell's capture, or to the real console outside cells.</summary>
internal sealed class ConsoleRouter : TextWriter
{
    private static readonly object InstallGate = new();
    private static bool _installed;
    private readonly TextWriter _original;
    private readonly string _stream;

    private ConsoleRouter(TextWriter original, string stream)
    {
        _original = original;
        _stream = stream;
    }

    public override Encoding Encoding => _original.Encoding;

    /// <summary>Routes Console.Out and Console.Error through capture once per process.</summary>
    public static void Install()
    {
        lock (InstallGate)
        {
            if (_installed) return;
            Console.SetOut(new ConsoleRouter(Console.Out, "stdout"));
            Console.SetError(new ConsoleRouter(Console.Error, "stderr"));
            _installed = true;
        }
    }

    /// <summary>The real standard output, for the runner's own progress lines.</summary>
    public static TextWriter RealOut => Console.Out is ConsoleRouter r ? r._original : Console.Out;

    /// <summary>The real standard error.</summary>
    public static TextWriter RealError => Console.Error is ConsoleRouter r ? r._original : Console.Error;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (CellOutputCapture.Current is { } capture) capture.Write(_stream, value);
        else _original.Write(value);
    }

    public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

    public override void Flush()
    {
        if (CellOutputCapture.Current is null) _original.Flush();
    }
}
