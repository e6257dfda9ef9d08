namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>A fresh temporary directory for one test, deleted afterwards.</summary>
internal sealed class CheckpointTempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "c2l-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointTempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
