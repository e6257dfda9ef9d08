using Code2Lora.Notebooks;
using Code2Lora.Runtime;

// c2l-notebook: runs Polyglot notebooks headless (CI, tests, users without VS Code).  Notebooks train models,
// so the heap fix goes in before anything allocates (stack-notes §1d).
NativeHeap.UseTrimmedHeap();
return await RunnerCommandLine.MainAsync(args, Console.Out, Console.Error);
