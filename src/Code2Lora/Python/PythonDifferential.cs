using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Code2Lora.Python;

/// <summary>
/// Runs the embedded Reference/reference.py (CPython's tokenize and ast) over files and compares its tokens and
/// assertion-family counts with <see cref="PyTokenizer"/> and <see cref="EvolutionTaskExtractor"/>.
/// </summary>
public static class PythonDifferential
{
    private static readonly Dictionary<PyTokenType, string> CPythonNames = new()
    {
        [PyTokenType.EndMarker] = "ENDMARKER", [PyTokenType.Name] = "NAME", [PyTokenType.Number] = "NUMBER",
        [PyTokenType.String] = "STRING", [PyTokenType.Newline] = "NEWLINE", [PyTokenType.Indent] = "INDENT",
        [PyTokenType.Dedent] = "DEDENT", [PyTokenType.Op] = "OP", [PyTokenType.Comment] = "COMMENT",
        [PyTokenType.NL] = "NL", [PyTokenType.ErrorToken] = "ERRORTOKEN",
    };

    /// <summary>The interpreter used when none is given: Debian's /usr/bin/python3 if present, else python3 on the PATH.</summary>
    public static string DefaultPython => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Compares the port with CPython on every file; files CPython cannot read count as disagreements only if the port differs.</summary>
    public static DifferentialReport Run(IEnumerable<string> files, string? python = null)
    {
        var paths = files.Select(Path.GetFullPath).ToList();
        var reference = RunReference(paths, python ?? DefaultPython);
        var disagreements = new List<DifferentialDisagreement>();
        long tokensCompared = 0, tokensEqual = 0, familyMatched = 0, familyTotal = 0, targetMatched = 0, targetTotal = 0;
        int filesTokenIdentical = 0, filesFamilyIdentical = 0;
        var totals = new Dictionary<string, (int CPython, int Port)>();
        var rejections = new ParseRejections();

        foreach (var path in paths)
        {
            if (!reference.TryGetValue(path, out var row))
            {
                disagreements.Add(new DifferentialDisagreement(path, "reference", "reference.py produced no line for this file"));
                continue;
            }
            string text;
            try { text = File.ReadAllText(path); }
            catch (IOException e)
            {
                disagreements.Add(new DifferentialDisagreement(path, "read", e.Message));
                continue;
            }

            var (compared, equal, tokenDiff) = CompareTokens(text, row);
            tokensCompared += compared;
            tokensEqual += equal;
            if (tokenDiff == null) filesTokenIdentical++;
            else disagreements.Add(new DifferentialDisagreement(path, "tokens", tokenDiff));

            var (matched, total, familyDiff, tm, tt, targetDiff) = CompareFamilies(text, row, totals, rejections);
            familyMatched += matched;
            familyTotal += total;
            targetMatched += tm;
            targetTotal += tt;
            if (familyDiff == null) filesFamilyIdentical++;
            else disagreements.Add(new DifferentialDisagreement(path, "families", familyDiff));
            if (targetDiff != null) disagreements.Add(new DifferentialDisagreement(path, "targets", targetDiff));
        }

        int n = Math.Max(paths.Count, 1);
        return new DifferentialReport(paths.Count, tokensCompared,
            tokensCompared == 0 ? 1 : (double)tokensEqual / tokensCompared, (double)filesTokenIdentical / n,
            familyTotal == 0 ? 1 : (double)familyMatched / familyTotal, (double)filesFamilyIdentical / n,
            targetTotal == 0 ? 1 : (double)targetMatched / targetTotal, totals, disagreements)
        {
            Rejections = rejections,
        };
    }

    /// <summary>Index-aligned comparison of (type, string, start, end); an error on both sides counts as one agreeing token.</summary>
    private static (long Compared, long Equal, string? FirstDifference) CompareTokens(string text, JsonElement row)
    {
        IReadOnlyList<PyToken>? mine = null;
        string? myError = null;
        try { mine = PyTokenizer.Tokenize(text); }
        catch (PySyntaxError e) { myError = e.Message; }

        if (row.TryGetProperty("error", out var pyError))
        {
            return myError != null ? (1, 1, null) : (1, 0, $"CPython: {pyError.GetString()}; port tokenized {mine!.Count} tokens");
        }
        var theirs = row.GetProperty("tokens");
        int count = theirs.GetArrayLength();
        if (mine == null) return (count, 0, $"port: {myError}; CPython tokenized {count} tokens");

        long equal = 0;
        string? first = null;
        int i = 0;
        foreach (var t in theirs.EnumerateArray())
        {
            string expected = Describe(t[0].GetString()!, t[1].GetString()!, t[2].GetInt32(), t[3].GetInt32(), t[4].GetInt32(), t[5].GetInt32());
            string actual = i < mine.Count ? Describe(mine[i]) : "(missing)";
            if (expected == actual) equal++;
            else first ??= $"token {i}: CPython {expected} vs port {actual}";
            i++;
        }
        if (mine.Count != count) first ??= $"CPython has {count} tokens, port {mine.Count}";
        return (Math.Max(count, mine.Count), equal, first);
    }

    private static string Describe(PyToken t) => Describe(CPythonNames[t.Type], t.Text, t.StartLine, t.StartCol, t.EndLine, t.EndCol);

    private static string Describe(string type, string text, int sl, int sc, int el, int ec) =>
        $"{type} {JsonSerializer.Serialize(text)} {sl},{sc}-{el},{ec}";

    /// <summary>
    /// Per-family counts (matched = Σ min, total = Σ max) and the multiset of (family, line, target) triples;
    /// a parse failure on both sides agrees.
    /// </summary>
    private static (long Matched, long Total, string? FamilyDifference, long TargetsMatched, long TargetsTotal, string? TargetDifference)
        CompareFamilies(string text, JsonElement row, Dictionary<string, (int CPython, int Port)> totals, ParseRejections rejections)
    {
        IReadOnlyList<EvolutionAssertion>? found = null;
        string? myError = null;
        try { found = EvolutionTaskExtractor.Extract(text); }
        catch (PySyntaxError e) { myError = e.Message; }
        string? pyParseError = row.TryGetProperty("parse_error", out var parseError) ? parseError.GetString() ?? "" : null;
        rejections.Add(pyParseError, myError);

        if (!row.TryGetProperty("families", out var families))
        {
            string pyError = pyParseError ?? "";
            return myError != null ? (0, 0, null, 0, 0, null) : (0, 1, $"CPython ast failed ({pyError}); port found {found!.Count} assertions", 0, 1, null);
        }
        var theirs = families.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        if (found == null)
        {
            int sum = theirs.Values.Sum();
            return (0, Math.Max(sum, 1), $"port: {myError}; CPython found {sum} assertions", 0, Math.Max(sum, 1), null);
        }
        var mine = found.GroupBy(a => a.AssertionType).ToDictionary(g => g.Key, g => g.Count());
        var (targetsMatched, targetsTotal, targetDiff) = CompareTargets(found, row.GetProperty("targets"));
        long matched = 0, total = 0;
        var diffs = new List<string>();
        foreach (var family in theirs.Keys.Union(mine.Keys).Order(StringComparer.Ordinal))
        {
            int py = theirs.GetValueOrDefault(family), port = mine.GetValueOrDefault(family);
            matched += Math.Min(py, port);
            total += Math.Max(py, port);
            var (tp, tm) = totals.GetValueOrDefault(family);
            totals[family] = (tp + py, tm + port);
            if (py != port) diffs.Add($"{family}: CPython {py}, port {port}");
        }
        return (matched, total, diffs.Count == 0 ? null : string.Join("; ", diffs), targetsMatched, targetsTotal, targetDiff);
    }

    private static (long Matched, long Total, string? FirstDifference) CompareTargets(IReadOnlyList<EvolutionAssertion> found, JsonElement targets)
    {
        var expected = targets.EnumerateArray().Select(t => $"{t[0].GetString()} line {t[1].GetInt32()}: {t[2].GetString()}").ToList();
        var remaining = found.Select(a => $"{a.AssertionType} line {a.LineNo}: {a.Target}").GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        long matched = 0;
        string? first = null;
        foreach (var key in expected)
        {
            if (remaining.TryGetValue(key, out int left) && left > 0) { remaining[key] = left - 1; matched++; }
            else first ??= $"CPython {key} not found by the port";
        }
        first ??= remaining.Where(kv => kv.Value > 0).Select(kv => $"port {kv.Key} not found by CPython").FirstOrDefault();
        return (matched, Math.Max(expected.Count, found.Count), first);
    }

    private static Dictionary<string, JsonElement> RunReference(List<string> paths, string python)
    {
        string script = Path.Combine(Path.GetTempPath(), $"c2l-reference-{Environment.ProcessId}-{Guid.NewGuid():N}.py");
        using (var resource = typeof(PythonDifferential).Assembly.GetManifestResourceStream("Code2Lora.Python.Reference.reference.py")
               ?? throw new InvalidOperationException("embedded Reference/reference.py is missing from the assembly"))
        using (var file = File.Create(script))
        {
            resource.CopyTo(file);
        }
        try
        {
            var start = new ProcessStartInfo(python, [script])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8, UseShellExecute = false,
            };
            start.Environment["PYTHONIOENCODING"] = "utf-8";
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {python}");
            var stderr = process.StandardError.ReadToEndAsync();
            var feed = Task.Run(() =>
            {
                foreach (var p in paths) process.StandardInput.WriteLine(p);
                process.StandardInput.Close();
            });
            var rows = new Dictionary<string, JsonElement>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                var row = JsonDocument.Parse(line).RootElement;
                rows[row.GetProperty("path").GetString()!] = row;
            }
            feed.Wait();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{python} reference.py exited with {process.ExitCode}: {stderr.Result}");
            return rows;
        }
        finally
        {
            File.Delete(script);
        }
    }
}
