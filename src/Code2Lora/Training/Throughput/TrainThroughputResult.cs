namespace Code2Lora.Training.Throughput;

/// <summary>One measured configuration: training tokens/s of forward + loss + backward + clip + AdamW in one framework.</summary>
/// <param name="Framework">"TorchSharp" or "PyTorch".</param>
/// <param name="FrameworkVersion">TorchSharp/LibTorch or torch version (and BLAS for PyTorch).</param>
/// <param name="Attention">Attention kernel: TorchSharp uses scaled_dot_product_attention, the PyTorch reference the eager matmul-softmax path.</param>
/// <param name="Precision">fp32 or bf16.</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Batch">Sequences per step.</param>
/// <param name="SequenceLength">Tokens per sequence.</param>
/// <param name="WarmupSteps">Untimed steps before timing.</param>
/// <param name="TimedSteps">Steps averaged.</param>
/// <param name="MsPerStep">Mean wall-clock per timed step.</param>
/// <param name="TokensPerS">Batch × sequence / seconds per step.</param>
/// <param name="PeakRssMb">Peak resident set during the run (the TorchSharp figure is reset before each run; PyTorch runs in its own process).</param>
/// <param name="FirstLoss">Loss of the first step: both frameworks start from the same weights and batch, so these agree.</param>
/// <param name="LastLoss">Loss of the last step.</param>
/// <param name="Model">The decoder's one-line description.</param>
/// <param name="Parameters">Parameter count.</param>
/// <param name="TrimmedHeap">Whether glibc's mmap threshold was pinned (both processes alike).</param>
/// <param name="LoadAverage">/proc/loadavg when the run started: other processes on the machine deflate wall-clock figures.</param>
/// <param name="Command">Provenance: command line.</param>
/// <param name="GitSha">Provenance: code version.</param>
/// <param name="Machine">Provenance: machine.</param>
/// <param name="CreatedUtc">Provenance: time of measurement.</param>
public sealed record TrainThroughputResult(string Framework, string FrameworkVersion, string Attention, string Precision, int Threads,
    int Batch, int SequenceLength, int WarmupSteps, int TimedSteps, double MsPerStep, double TokensPerS, double PeakRssMb,
    double FirstLoss, double LastLoss, string Model, long Parameters, bool TrimmedHeap, string? LoadAverage, string Command, string GitSha, string Machine, DateTime CreatedUtc);

