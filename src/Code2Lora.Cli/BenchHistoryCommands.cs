using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Code2Lora.Bench;
using Code2Lora.Config;
using Code2Lora.Mining;
using Code2Lora.Runtime;
using Spectre.Console;

namespace Code2Lora.Cli;

/// <summary>`c2l bench test-files` and `c2l bench check-python --histories`: what the shipped real histories hold.</summary>
internal static class BenchHistoryCommands
{
    /// <summary>The shipped histories, verified and cloned (once); problems are printed and the rest go on.</summary>
    internal static IReadOnlyList<RepoInput> Histories() =>
        BenchInputs.FromHistories(RepoPaths.HistoryManifest, RepoPaths.HistoryBundles, RepoPaths.HistoryCache,
            (id, why) => AnsiConsole.MarkupLine($"[yellow]history not used[/] {Markup.Escape(id)}: {Markup.Escape(why)}"));

    public static Command TestFiles()
    {
        var output = new Option<string?>("--out") { Description = "Report folder (default results/bench-stats/histories)" };
        var cmd = new Command("test-files", "Count the test files the paper's rule and the authors' broader rule find in the shipped real histories.") { output };
        cmd.SetAction((r, ct) =>
        {
            var outDir = r.GetValue(output) ?? Path.Combine(RepoPaths.Results, "bench-stats", "histories");
            var censuses = new List<TestFileCensus>();
            foreach (var input in Histories())
            {
                using var source = RepoSource.Open(input.Path, input.RepoId);
                censuses.Add(TestFileCensus.Take(source));
                AnsiConsole.MarkupLine($"{Markup.Escape(input.RepoId)}: {censuses[^1].PaperPaths} paper / {censuses[^1].CodePaths} code test paths");
            }
            var command = BenchCommand.CommandLine();
            AtomicFile.WriteText(Path.Combine(outDir, "test-files.json"),
                System.Text.Json.JsonSerializer.Serialize(new { provenance = Provenance.Capture(command), repositories = censuses }, Provenance.Json));
            AtomicFile.WriteText(Path.Combine(outDir, "test-files.md"), Markdown(censuses, command));
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(Path.Combine(outDir, "test-files.md"))}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static string Markdown(IReadOnlyList<TestFileCensus> rows, string command)
    {
        var sb = new StringBuilder("# Test files in the shipped real histories: the paper's rule and the authors' broader rule\n\n");
        sb.Append($"Command: `{command}` · code `{Provenance.CodeVersion()}` · histories: `data/histories/manifest.tsv` (first-parent, no cutoff)\n\n");
        sb.Append("Paper rule: `test_*.py`, `*_test.py` or under `tests/`/`test/`. Code rule (`2_separate_tests.py`): any path component contains \"test\", or the content imports pytest/unittest or defines test functions/classes. ");
        sb.Append("Paths: distinct .py paths that were a test file in some version. Versions: commits that add, edit or rename such a file (what the miner parses).\n\n");
        sb.Append("| repository | commits | paper paths | code paths | paper versions | code versions | paper at HEAD | code at HEAD | found only by the code rule (first 4) |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var c in rows)
            sb.Append($"| {c.RepoId} | {c.Commits} | {c.PaperPaths} | {c.CodePaths} | {c.PaperVersions} | {c.CodeVersions} | {c.PaperAtHead} | {c.CodeAtHead} | {string.Join(", ", c.CodeOnlyPaths.Take(4).Select(p => $"`{p}`"))} |\n");
        sb.Append($"| **all {rows.Count}** | {rows.Sum(c => c.Commits)} | {rows.Sum(c => c.PaperPaths)} | {rows.Sum(c => c.CodePaths)} | {rows.Sum(c => c.PaperVersions)} | {rows.Sum(c => c.CodeVersions)} | {rows.Sum(c => c.PaperAtHead)} | {rows.Sum(c => c.CodeAtHead)} | |\n");
        var early = rows.SelectMany(c => c.CodeOnlyPaths.Where(p => Path.GetFileName(p) is "tests.py" or "test.py").Select(p => $"{c.RepoId}:{p}")).ToList();
        sb.Append($"\nFiles named `tests.py` or `test.py` outside a tests/ directory, which only the code rule counts: {early.Count}{(early.Count > 0 ? " (" + string.Join(", ", early.Select(e => $"`{e}`")) + ")" : "")}.\n");
        return sb.ToString();
    }

    /// <summary>
    /// Every distinct test-file version (by either rule) of the shipped histories, written once under
    /// data/work/python-versions/owner__name/&lt;sha256&gt;.py for the CPython differential; returns the file paths.
    /// </summary>
    internal static List<string> ExportTestVersions(IReadOnlyList<RepoInput> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            var dir = Path.Combine(RepoPaths.Work, "python-versions", input.RepoId.Replace("/", "__"));
            Directory.CreateDirectory(dir);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var source = RepoSource.Open(input.Path, input.RepoId);
            TestFileCensus.Take(source, (_, _, text, _) =>
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var name = Convert.ToHexStringLower(SHA256.HashData(bytes)) + ".py";
                if (!seen.Add(name)) return;
                var path = Path.Combine(dir, name);
                if (!File.Exists(path)) AtomicFile.Write(path, s => s.Write(bytes));
                files.Add(path);
            });
        }
        return files;
    }
}
