// Loaded by the first cell of every notebook: Code2Lora and the libraries it uses, from this checkout's Release build,
// not from NuGet. TorchSharp's native LibTorch comes from the same folder, patched by the build for older libstdc++
// (Directory.Build.targets) and of whichever backend the build chose (dotnet build -p:TorchBackend=cuda gives CUDA).
#r "../src/Code2Lora/bin/Release/net10.0/Code2Lora.dll"
#r "../src/Code2Lora/bin/Release/net10.0/TorchSharp.dll"
#r "../src/Code2Lora/bin/Release/net10.0/Microsoft.Data.Analysis.dll"
#r "../src/Code2Lora/bin/Release/net10.0/Plotly.NET.dll"
#r "../src/Code2Lora/bin/Release/net10.0/Plotly.NET.CSharp.dll"
#r "../src/Code2Lora/bin/Release/net10.0/LibGit2Sharp.dll"
#r "../src/Code2Lora/bin/Release/net10.0/Parquet.dll"

Code2Lora.Runtime.TorchRuntime.UsePassiveThreadWait();   // before LibTorch loads: OpenMP threads sleep, not spin, on shared cores
Code2Lora.Runtime.BuildOutputNatives.Load();
Code2Lora.Runtime.NativeHeap.UseTrimmedHeap();   // notebooks train: keep glibc's heap from creeping (environment.md)

// How the package's values show. DataFrames as tables; tensors as NumPy-style text; charts as the package's offline PNG
// next to Plotly.NET.Interactive's live HTML (saved notebooks keep the PNG, which GitHub shows too).
Microsoft.DotNet.Interactive.Formatting.Formatter.Register<Microsoft.Data.Analysis.DataFrame>(
    (frame, writer) => writer.Write(Code2Lora.Reporting.Tables.ToHtml(frame)), "text/html");
Microsoft.DotNet.Interactive.Formatting.Formatter.Register<TorchSharp.torch.Tensor>(
    (tensor, writer) => writer.Write($"{tensor.dtype} [{string.Join(", ", tensor.shape)}] on {tensor.device}\n{tensor.ToString(TorchSharp.TensorStringStyle.Numpy)}"),
    "text/plain");
Microsoft.DotNet.Interactive.Formatting.Formatter.SetPreferredMimeTypesFor(typeof(TorchSharp.torch.Tensor), "text/plain");
if (Code2Lora.Reporting.FigureExport.CanRender)
{
    Microsoft.DotNet.Interactive.Formatting.Formatter.Register<Plotly.NET.GenericChart>(
        (chart, writer) => writer.Write(System.Convert.ToBase64String(Code2Lora.Reporting.FigureExport.Png(chart) ?? [])), "image/png");
    Microsoft.DotNet.Interactive.Formatting.Formatter.SetPreferredMimeTypesFor(typeof(Plotly.NET.GenericChart), "text/html", "image/png");
}
