using Code2Lora.Notebooks;

// c2l-notebook: runs Polyglot notebooks on .NET Interactive's C# kernel, headless (CI, tests, users without VS Code).
// The cells load Code2Lora themselves (notebooks/code2lora.csx), which also applies the heap fix and the passive OpenMP wait.
// A failure outside a cell ends as one line "error: <what is wrong>" and exit code 2, as in c2l; --verbose adds the stack trace.
var verbose = args.Contains("--verbose") || Environment.GetEnvironmentVariable("C2L_VERBOSE") is "1" or "true";
args = args.Where(a => a != "--verbose").ToArray();
try
{
    return await RunnerCommandLine.MainAsync(args, Console.Out, Console.Error);
}
catch (Exception e) when (e is not ArgumentException)
{
    var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
    Console.Out.Flush();
    Console.Error.WriteLine($"error: {inner.Message}");
    if (verbose) Console.Error.WriteLine(inner);
    return 2;
}
