using System.Diagnostics;
using Code2Lora.Config;

namespace Code2Lora.Tests.Models.Parity;

/// <summary>Runs scripts/reference/qwen_reference.py under Debian's python3 (which has python3-torch after scripts/install.sh).</summary>
internal static class PyTorchReference
{
    /// <summary>Debian's interpreter: python3-torch installs into it, not into other pythons on the PATH.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>The reference script in this checkout.</summary>
    public static string Script => Path.Combine(RepoPaths.Root, "scripts", "reference", "qwen_reference.py");

    /// <summary>Runs the reference on a model directory and an input JSON; fails the test with the fix when torch is absent.</summary>
    public static void Run(string modelDir, string inputJson, string outDir)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-B", Script, modelDir, inputJson, outDir }) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (output.Contains("No module named 'torch'", StringComparison.Ordinal) || output.Contains("No module named 'numpy'", StringComparison.Ordinal))
            Assert.Fail($"{Python} has no PyTorch: run scripts/install.sh (it apt-installs python3-torch and libopenblas0-pthread). Output: {output}");
        Assert.True(p.ExitCode == 0, $"{Script} exited with {p.ExitCode}: {output}");
    }
}
