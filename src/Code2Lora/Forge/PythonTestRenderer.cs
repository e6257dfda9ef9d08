using System.Text;

namespace Code2Lora.Forge;

/// <summary>
/// Renders one test file: imports, a path line so plain <c>python3 -m unittest</c> finds the package,
/// module constants, assert_* helpers, pytest fixtures, test functions and unittest TestCase classes.
/// </summary>
internal static class PythonTestRenderer
{
    public static string Render(RepoState state, string file, string moduleUnderTest)
    {
        var tests = state.Tests.Where(t => t.File == file).Select(t => (Spec: t, Body: t.Render())).ToList();
        var classFacts = tests.Where(t => t.Body.InClass && t.Spec.Fact is not null).Select(t => t.Spec.Fact!).Distinct().ToList();
        var fixtures = tests.Where(t => t.Body.Fixture is not null).Select(t => t.Spec.Fact!).Distinct().ToList();

        var names = tests.SelectMany(t => t.Body.Names)
            .Concat(classFacts.SelectMany(f => f.SetUpNames))
            .Concat(fixtures.SelectMany(f => f.SetUpNames))
            .Distinct().ToList();

        var sb = new StringBuilder();
        sb.Append($"\"\"\"Tests for {state.Package}.{moduleUnderTest}.\"\"\"\n\n");
        sb.Append("import os\nimport sys\nimport unittest\n\nimport pytest\n\n");
        sb.Append($"sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), {state.TestPathToRoot}))\n\n");
        foreach (var group in names.GroupBy(n => state.Owner(n).Module).OrderBy(g => g.Key, StringComparer.Ordinal))
            sb.Append(PythonModuleRenderer.FromImport($"{state.Package}.{group.Key}", group));
        if (names.Count > 0) sb.Append('\n');
        sb.Append("LARGE_VALUE = 10 ** 6\n");

        if (tests.Any(t => t.Body.UsesHelper))
        {
            // An if/raise, not an assert: an assert here would be the same task (target `expected`) in every repository.
            sb.Append($"\n\ndef assert_{state.Naming.Prefix}_equal(actual, expected):\n");
            sb.Append("    if actual != expected:\n");
            sb.Append("        raise AssertionError(f\"{actual!r} != {expected!r}\")\n");
        }
        foreach (var fact in fixtures)
        {
            var (name, body) = fact.Fixture!.Value;
            sb.Append($"\n\n@pytest.fixture\ndef {name}():\n    {body}\n");
        }

        // Blocks in order of first appearance: a function per module-level test, one class per fact (or generic group).
        var blocks = new List<(string? ClassName, List<(TestSpec Spec, TestBody Body)> Tests)>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in tests)
        {
            if (!t.Body.InClass) { blocks.Add((null, [t])); continue; }
            var cls = t.Spec.Fact?.TestClassName ?? GenericTests.ClassName;
            if (!classIndex.TryGetValue(cls, out var idx)) { classIndex[cls] = idx = blocks.Count; blocks.Add((cls, [])); }
            blocks[idx].Tests.Add(t);
        }

        foreach (var (className, blockTests) in blocks)
        {
            if (className is null)
            {
                var (spec, body) = blockTests[0];
                sb.Append($"\n\ndef {spec.Name}({body.Fixture ?? ""}):\n");
                foreach (var line in body.Lines) sb.Append("    ").Append(line).Append('\n');
                continue;
            }
            var setUp = blockTests[0].Spec.Fact?.SetUp() ?? [GenericTests.SetUpLine(state.GenericItems)];
            sb.Append($"\n\nclass {className}(unittest.TestCase):\n    def setUp(self):\n");
            foreach (var line in setUp) sb.Append("        ").Append(line).Append('\n');
            foreach (var (spec, body) in blockTests)
            {
                sb.Append($"\n    def {spec.Name}(self):\n");
                foreach (var line in body.Lines) sb.Append("        ").Append(line).Append('\n');
            }
        }
        return sb.ToString();
    }
}
