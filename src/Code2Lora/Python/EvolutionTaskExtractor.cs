namespace Code2Lora.Python;

/// <summary>
/// The evolution track's "v1" parser (paper §3.4 step 2): every assertion in the file, including plain <c>assert x</c>;
/// the prefix is the whole file before the assertion line plus a re-synthesised assertion head; no line cap.
/// </summary>
public static class EvolutionTaskExtractor
{
    /// <summary>Extracts all assertions of a test file; throws <see cref="PySyntaxError"/> on code that does not tokenize or parse.</summary>
    public static IReadOnlyList<EvolutionAssertion> Extract(string testFileSource)
    {
        var text = new PySourceText(testFileSource);
        var outline = PyOutline.Parse(testFileSource);
        var result = new List<EvolutionAssertion>();
        foreach (var site in new AssertionSiteFinder(outline, text).FindAll())
        {
            var scope = EnclosingScope.Of(outline, site.Token);
            string before = text.Text[..text.LineStart(site.LineNo)];
            string tail = site.SynthesisedTail
                ?? text.Text[text.LineStart(site.LineNo)..text.Offset(site.TargetLine, site.TargetCol)];
            result.Add(new EvolutionAssertion(before + tail, site.Target, site.AssertionType, scope.Function?.Name, scope.Class?.Name,
                site.LineNo, text.Utf8Column(site.TargetLine, site.TargetCol)));
        }
        return result;
    }
}
