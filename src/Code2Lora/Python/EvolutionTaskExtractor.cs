namespace Code2Lora.Python;

/// <summary>
/// The evolution track's "v1" parser (paper §3.4 step 2): every assertion in the file, including plain <c>assert x</c>;
/// the prefix is the whole file before the assertion line plus a re-synthesised assertion head; no line cap.
/// </summary>
public static class EvolutionTaskExtractor
{
    /// <summary>Extracts all assertions of a test file with their prefixes; throws <see cref="PySyntaxError"/> on code that does not tokenize or parse.</summary>
    public static IReadOnlyList<EvolutionAssertion> Extract(string testFileSource)
    {
        var file = Parse(testFileSource);
        return file.Sites.Select(s => s.Materialise(file.Text)).ToList();
    }

    /// <summary>Finds all assertions of a test file without building their prefixes; throws <see cref="PySyntaxError"/> like <see cref="Extract"/>.</summary>
    public static EvolutionFile Parse(string testFileSource)
    {
        var text = new PySourceText(testFileSource);
        var outline = PyOutline.Parse(testFileSource);
        var sites = new List<EvolutionSite>();
        foreach (var site in new AssertionSiteFinder(outline, text).FindAll())
        {
            var scope = EnclosingScope.Of(outline, site.Token);
            int cut = text.LineStart(site.LineNo);
            string tail = site.SynthesisedTail ?? text.Text[cut..text.Offset(site.TargetLine, site.TargetCol)];
            sites.Add(new EvolutionSite(site.AssertionType, site.Target, scope.Function?.Name, scope.Class?.Name,
                site.LineNo, text.Utf8Column(site.TargetLine, site.TargetCol), cut, tail));
        }
        return new EvolutionFile(text.Text, sites);
    }
}
