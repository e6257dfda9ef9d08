namespace Code2Lora.Notebooks;

/// <summary>The globals object of every notebook script: its public members are visible to cells as plain names.</summary>
public class NotebookGlobals
{
    /// <summary>Shows a value below the cell, as Polyglot's <c>display(...)</c> does; returns the value for chaining.</summary>
    public object? display(object? value) => DisplayExtensions.Display(value);
}

/// <summary>The <c>x.Display()</c> extension of Polyglot notebooks, imported into every cell.</summary>
public static class DisplayExtensions
{
    /// <summary>Shows the value below the running cell and returns it; outside a cell it prints to the console.</summary>
    public static T Display<T>(this T value)
    {
        if (CellOutputCapture.Current is { } capture) capture.Display(value);
        else Console.WriteLine(value);
        return value;
    }
}
