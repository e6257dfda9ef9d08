namespace Code2Lora.Python;

/// <summary>
/// The static track's v2 extractor (paper §3.3): assertions inside functions, each with a structured prefix built
/// from imports, class context, helpers and the enclosing test up to the target, after the quality filters.
/// </summary>
public static class StaticTaskExtractor
{
    private static readonly HashSet<string> SetupMethods =
        ["setUp", "setUpClass", "tearDown", "tearDownClass", "setup_method", "teardown_method", "setup", "teardown"];

    /// <summary>Extracts the candidates of one test file; throws <see cref="PySyntaxError"/> on code that does not tokenize or parse.</summary>
    public static IReadOnlyList<AssertionCandidate> Extract(string testFileSource, StaticExtractionOptions? options = null)
    {
        options ??= new StaticExtractionOptions();
        var text = new PySourceText(testFileSource);
        var outline = PyOutline.Parse(testFileSource);
        var result = new List<AssertionCandidate>();
        var contextByClass = new Dictionary<PyBlock, List<(int From, int To)>>();
        var moduleContext = ModuleContext(outline);
        var helpers = outline.TopLevel.Where(b => !b.IsClass && !b.Name.StartsWith("test_", StringComparison.Ordinal)).ToList();
        foreach (var site in new AssertionSiteFinder(outline, text).FindAll())
        {
            if (site.AssertionType == "assert_expr" || !KeepsTarget(site.Target, options)) continue;
            var scope = EnclosingScope.Of(outline, site.Token);
            if (scope.Function == null) continue;
            var classContext = scope.Class is { } cls
                ? contextByClass.TryGetValue(cls, out var known) ? known : contextByClass[cls] = ClassContext(outline, cls)
                : [];
            var lines = PrefixLines(text, site, scope, moduleContext, classContext, helpers);
            if (lines[^1].Contains("(,", StringComparison.Ordinal)) continue;
            if (lines.Count > options.MaxPrefixLines) lines = lines.GetRange(lines.Count - options.MaxPrefixLines, options.MaxPrefixLines);
            result.Add(new AssertionCandidate(string.Join("\n", lines), site.Target, site.AssertionType, Difficulty.Classify(site.Target),
                scope.Function.Name, scope.Class?.Name, site.LineNo, text.Utf8Column(site.TargetLine, site.TargetCol)));
        }
        return result;
    }

    /// <summary>The target quality filters of §3.3.</summary>
    private static bool KeepsTarget(string target, StaticExtractionOptions options)
    {
        string trimmed = target.Trim();
        if (trimmed.Length == 0 || target.Length > options.MaxTargetChars) return false;
        if (trimmed.StartsWith(',') || trimmed.All(c => c is ')' or ']' or '}' || char.IsWhiteSpace(c))) return false;
        if (trimmed.Length == 1) return false;
        return trimmed.Any(char.IsLetterOrDigit);
    }

    /// <summary>Part (1): module-level imports and simple statements before the first def/class.</summary>
    private static List<(int From, int To)> ModuleContext(PyOutline outline)
    {
        int firstBlockLine = outline.TopLevel.Count > 0 ? outline.TopLevel[0].DecoratorLine : int.MaxValue;
        return outline.Statements
            .Where(st => st.Owner == null && st.IsDirectChild && st.StartLine < firstBlockLine && st.Kind is PyStatementKind.Import
                or PyStatementKind.Assign or PyStatementKind.AugAssign or PyStatementKind.AnnAssign or PyStatementKind.Expr)
            .Select(st => (st.StartLine, st.EndLine)).ToList();
    }

    /// <summary>Part (2) and the class half of part (3): header, class-level assignments, setUp-style and non-test methods.</summary>
    private static List<(int From, int To)> ClassContext(PyOutline outline, PyBlock cls)
    {
        var ranges = new List<(int From, int To)> { (cls.HeaderLine, cls.HeaderEndLine) };
        ranges.AddRange(outline.Statements
            .Where(st => st.Owner == cls && st.IsDirectChild && st.Kind is PyStatementKind.Assign or PyStatementKind.AugAssign or PyStatementKind.AnnAssign)
            .Select(st => (st.StartLine, st.EndLine)));
        foreach (var method in cls.Children)
        {
            if (!method.IsClass && (SetupMethods.Contains(method.Name) || !method.Name.StartsWith("test_", StringComparison.Ordinal)))
                ranges.Add((method.DecoratorLine, method.EndLine));
        }
        return ranges;
    }

    /// <summary>Parts (1)–(4) as line numbers before the assertion, in file order with one blank line per gap, then part (5) up to the target.</summary>
    private static List<string> PrefixLines(PySourceText text, AssertionSite site, EnclosingScope scope,
        List<(int From, int To)> moduleContext, List<(int From, int To)> classContext, List<PyBlock> helpers)
    {
        var selected = new SortedSet<int>();
        void AddRange(int from, int to)
        {
            for (int l = from; l <= to && l < site.LineNo; l++) selected.Add(l);
        }

        foreach (var (from, to) in moduleContext) AddRange(from, to);
        // Ranges are clipped before the assertion line, so the enclosing method listed here adds nothing beyond part (4).
        foreach (var (from, to) in classContext) AddRange(from, to);
        foreach (var helper in helpers)
        {
            if (helper.EndLine < site.LineNo) AddRange(helper.DecoratorLine, helper.EndLine);
        }
        AddRange(scope.Function!.DecoratorLine, site.LineNo - 1);

        var lines = new List<string>();
        int previous = -1;
        foreach (int l in selected)
        {
            if (previous >= 0 && l > previous + 1) lines.Add("");
            lines.Add(text.Line(l));
            previous = l;
        }
        for (int l = site.LineNo; l < site.TargetLine; l++) lines.Add(text.Line(l));
        string targetLine = text.Line(site.TargetLine);
        int cut = text.Offset(site.TargetLine, site.TargetCol) - text.LineStart(site.TargetLine);
        lines.Add(targetLine[..Math.Min(cut, targetLine.Length)]);
        return lines;
    }
}
