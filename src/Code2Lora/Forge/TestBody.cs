namespace Code2Lora.Forge;

/// <summary>
/// One generated test, rendered from the repository's current facts: its body lines and the expected-side
/// sources of its assertions (what the bench will ask a model to complete).
/// </summary>
/// <param name="InClass">True for a unittest method (uses <c>self.assert*</c>), false for a module-level pytest-style function.</param>
/// <param name="Lines">Body lines, indented relative to the def.</param>
/// <param name="Targets">The expected side of each assertion, spelled as the benchmark extracts it.</param>
/// <param name="Names">Fact names the body uses; the test file imports them from the fact's module.</param>
/// <param name="Fixture">Name of the pytest fixture the function takes, if any.</param>
/// <param name="UsesHelper">Whether the body calls the file's <c>assert_&lt;prefix&gt;_equal</c> helper.</param>
internal sealed record TestBody(
    bool InClass,
    IReadOnlyList<string> Lines,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> Names,
    string? Fixture = null,
    bool UsesHelper = false);
