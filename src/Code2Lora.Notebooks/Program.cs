using Code2Lora.Notebooks;

// c2l-notebook: runs Polyglot notebooks on .NET Interactive's C# kernel, headless (CI, tests, users without VS Code).
// The cells load Code2Lora themselves (notebooks/code2lora.csx), which also applies the heap fix and the passive OpenMP wait.
// A failure outside a cell ends as one line "error: <what is wrong>" and exit code 2, as in c2l; --verbose adds the stack trace.
var verbose = args.Contains("--verbose") || Environment.GetEnvironmentVariable("C2L_VERBOSE") is "1" or "true";
args = args.Where(a => a != "--verbose").ToArray();
var resultsBefore = Environment.GetEnvironmentVariable("C2L_RESULTS");
try
{
    // With --out, what the notebooks write under results/ goes to a copy of the committed results beside the executed
    // notebooks (C2L_RESULTS), so such a run leaves the committed results untouched.
    if (args.Length > 1 && args[0] == "run" && args.Any(a => a is "--out" or "-o") && resultsBefore is null)
    {
        // Bad usage or an unreadable notebook: no copy; MainAsync reports it the one way.
        var request = Readable(args);
        if (request is not null)
        {
            var results = ResultsCopy.Redirect(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Jobs[0].Output))!, "results"));
            Console.Out.WriteLine($"results/ of these notebooks → {results} (a copy of the committed results)");
        }
    }
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
finally
{
    // The tests run this entry point in their own process: the redirect ends with the run.
    Environment.SetEnvironmentVariable("C2L_RESULTS", resultsBefore);
}

static RunnerCommandLine.RunRequest? Readable(string[] args)
{
    try
    {
        var request = RunnerCommandLine.Parse(args);
        foreach (var (input, _) in request.Jobs) NotebookFile.Read(input);
        return request;
    }
    catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException) { return null; }
}
