using Code2Lora.Notebooks;

// c2l-notebook: runs Polyglot notebooks on .NET Interactive's C# kernel, headless (CI, tests, users without VS Code).
return await RunnerCommandLine.MainAsync(args, Console.Out, Console.Error);
