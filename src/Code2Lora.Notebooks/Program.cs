using Code2Lora.Notebooks;
using Code2Lora.Config;
using Code2Lora.Runtime;

// c2l-notebook: runs Polyglot notebooks headless (CI, tests, users without VS Code).  Notebooks train models,
// so the heap fix goes in before anything allocates (stack-notes §1d).  Every failure ends as one line
// "error: <input>: <what is wrong>; <what to do>" and exit code 2, as in c2l; --verbose adds the stack trace.
NativeHeap.UseTrimmedHeap();
TorchRuntime.UsePassiveThreadWait();     // before the first cell loads LibTorch (see TorchRuntime)
if (args.Any(a => a is "-h" or "--help"))
{
    Console.Out.WriteLine(RunnerCommandLine.Usage);
    return 0;
}
var verbose = args.Contains("--verbose") || Environment.GetEnvironmentVariable("C2L_VERBOSE") is "1" or "true";
args = args.Where(a => a != "--verbose").ToArray();
try
{
    if (args.Length > 0)
    {
        var request = RunnerCommandLine.Parse(args);
        foreach (var (input, _) in request.Jobs) NotebookDocument.Load(input);   // usage errors and unreadable notebooks, before any cell runs
        // With --out, what the notebooks write under results/ goes beside the executed notebooks instead, so such a run
        // leaves the committed results untouched (data/work/, the caches of trained models, is still shared).
        if (args.Any(a => a is "--out" or "-o") && Environment.GetEnvironmentVariable(RepoPaths.ResultsVariable) is null)
        {
            var results = RepoPaths.RedirectResults(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Jobs[0].Output))!, "results"));
            Console.Out.WriteLine($"results/ of these notebooks → {results} (a copy of the committed results)");
        }
    }
    return await RunnerCommandLine.MainAsync(args, Console.Out, Console.Error);
}
catch (Exception e)
{
    var inner = FailureMessage.Unwrap(e);
    var fix = inner switch
    {
        ArgumentException => "; see: c2l-notebook --help",
        InvalidDataException => "; pass a Jupyter notebook (nbformat 4, as VS Code Polyglot Notebooks saves it)",
        _ => "",
    };
    var message = FailureMessage.Describe(inner);
    Console.Out.Flush();
    Console.Error.WriteLine("error: " + (message.Contains("; ", StringComparison.Ordinal) ? message : message.TrimEnd('.') + fix));
    if (verbose) Console.Error.WriteLine(inner);
    return 2;
}
