namespace Code2Lora.Runtime;

/// <summary>An IProgress that calls back on the reporting thread (System.Progress posts to the thread pool and reorders).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    /// <summary>Calls the callback now, on this thread.</summary>
    public void Report(T value) => report(value);
}
