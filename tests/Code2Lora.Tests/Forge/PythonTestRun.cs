namespace Code2Lora.Tests.Forge;

/// <summary>
/// Runs a forged repository's tests with plain CPython: unittest for TestCase classes plus a tiny runner for
/// pytest-style functions (fixtures resolved by parameter name). Without real pytest, a minimal shim provides
/// <c>pytest.raises</c>, <c>pytest.approx</c> and <c>pytest.fixture</c>.
/// </summary>
internal static class PythonTestRun
{
    private const string Shim = """
        import contextlib
        import re


        def fixture(fn=None, **kwargs):
            return fn if fn is not None else (lambda f: f)


        @contextlib.contextmanager
        def raises(expected, match=None):
            try:
                yield
            except expected as exc:
                if match is not None and not re.search(match, str(exc)):
                    raise AssertionError(f"{exc!r} does not match {match!r}")
            else:
                raise AssertionError(f"DID NOT RAISE {expected}")


        class approx:
            def __init__(self, expected, rel=None, abs=None):
                self.expected, self.rel, self.abs = expected, rel if rel is not None else 1e-6, abs if abs is not None else 1e-12

            def __eq__(self, other):
                return abs(other - self.expected) <= max(self.rel * abs(self.expected), self.abs)

            def __repr__(self):
                return f"approx({self.expected!r})"
        """;

    private const string Runner = """
        import importlib.util, inspect, pathlib, sys, traceback, unittest
        root = pathlib.Path(sys.argv[1])
        ran, failures = 0, []
        for path in sorted((root / "tests").glob("test_*.py")):
            try:
                spec = importlib.util.spec_from_file_location(path.stem, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[path.stem] = module
                spec.loader.exec_module(module)
            except Exception:
                failures.append(f"{path.name}: import failed\n{traceback.format_exc()}")
                continue
            result = unittest.TestResult()
            unittest.defaultTestLoader.loadTestsFromModule(module).run(result)
            ran += result.testsRun
            failures += [f"{path.name}: {test.id()}\n{err}" for test, err in result.failures + result.errors]
            for name, fn in sorted(vars(module).items()):
                if name.startswith("test_") and inspect.isfunction(fn):
                    ran += 1
                    try:
                        fn(*[getattr(module, p)() for p in inspect.signature(fn).parameters])
                    except Exception:
                        failures.append(f"{path.name}: {name}\n{traceback.format_exc()}")
        print(f"ran {ran} failed {len(failures)}")
        print("\n".join(failures))
        sys.exit(1 if failures or ran == 0 else 0)
        """;

    /// <summary>Runs the tests found under <paramref name="repoDir"/>/tests; returns exit code and output.</summary>
    public static (int Code, string Output) Run(string repoDir)
    {
        if (ForgedRepoFiles.HasPytest)
            return ForgedRepoFiles.RunPython("import sys, pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[1]]))",
                [Path.Combine(repoDir, "tests")]);
        var shimDir = Path.Combine(repoDir, ".pytest-shim");
        Directory.CreateDirectory(shimDir);
        File.WriteAllText(Path.Combine(shimDir, "pytest.py"), Shim);
        return ForgedRepoFiles.RunPython(Runner, [repoDir], shimDir);
    }
}
