namespace Code2Lora.Forge;

/// <summary>
/// The control: plain-Python tests that no repository knowledge helps with. Each repository draws its own from its
/// seeded stream (other literals, other builtin calls, another order of the shapes), so a generic target of one
/// repository is almost never a target of another; a pool shared by every repository let a model score on the
/// control by memorising the training repositories' copies. Every target is one of thousands of values or more.
/// </summary>
internal static class GenericTests
{
    /// <summary>A generic test: a short name, its body and its assertion targets.</summary>
    public sealed record Generic(string Name, TestBody Body);

    /// <summary>Name of the generic TestCase class.</summary>
    public const string ClassName = "TestPythonBasics";

    /// <summary>The generic TestCase's setUp line for a repository's <paramref name="items"/>.</summary>
    public static string SetUpLine(IReadOnlyList<int> items) => $"self.items = {List(items)}";

    /// <summary>Draws the repository's setUp items (three distinct small integers).</summary>
    public static int[] DrawItems(ForgeRandom rng) => new GenericDraw(rng).DistinctInts(3);

    /// <summary>Number of test shapes; a repository cycles through all of them so every assertion family shows up.</summary>
    public static int Shapes => All.Count;

    /// <summary>A fresh test of shape <paramref name="shape"/> with literals drawn from <paramref name="rng"/>.</summary>
    public static Generic Draw(int shape, ForgeRandom rng, IReadOnlyList<int> items)
    {
        var (name, make) = All[shape];
        return new Generic(name, make(new GenericDraw(rng), items));
    }

    private static TestBody Fn(string target, params string[] lines) => new(false, lines, [target], []);
    private static TestBody Cls(string target, params string[] lines) => new(true, lines, [target], []);
    private static string List(IEnumerable<int> xs) => "[" + string.Join(", ", xs) + "]";
    private static string Strs(IEnumerable<string> ws) => "[" + string.Join(", ", ws.Select(PyLit.Str)) + "]";

    private static readonly IReadOnlyList<(string Name, Func<GenericDraw, IReadOnlyList<int>, TestBody> Make)> All =
    [
        ("sorted_builtin", (d, _) =>
        {
            var xs = d.DistinctInts(3);
            var sorted = List(xs.Order());
            return Fn(sorted, $"assert sorted({List(xs)}) == {sorted}");
        }),
        ("split_words", (d, _) =>
        {
            var w = d.DistinctWords(3);
            var sep = d.Pick([",", ";", "|", "/"]);
            return Fn(Strs(w), $"assert {PyLit.Str(string.Join(sep, w))}.split({PyLit.Str(sep)}) == {Strs(w)}");
        }),
        ("max_and_min", (d, _) =>
        {
            var xs = d.DistinctInts(3);
            var expected = $"({xs.Max()}, {xs.Min()})";
            return Fn(expected, $"assert (max({List(xs)}), min({List(xs)})) == {expected}");
        }),
        ("reversed_differs", (d, _) =>
        {
            var xs = List(d.DistinctInts(3));
            return Fn(xs, $"assert {xs}[::-1] != {xs}");
        }),
        ("word_in_text", (d, _) =>
        {
            var w = d.DistinctWords(3);
            var text = PyLit.Str(string.Join(' ', w));
            return Fn(text, $"assert {PyLit.Str(w[d.Int(0, 3)])} in {text}");
        }),
        ("word_not_in", (d, _) =>
        {
            var w = d.DistinctWords(4);
            return Fn(Strs(w[1..]), $"assert {PyLit.Str(w[0])} not in {Strs(w[1..])}");
        }),
        ("setdefault_is", (d, _) =>
        {
            var w = d.DistinctWords(3);
            var (table, key) = ($"{w[0]}_{w[1]}", PyLit.Str(w[2]));
            return Fn($"{table}[{key}]",
                $"{table} = {{{key}: {List(d.DistinctInts(2))}}}",
                $"assert {table}.setdefault({key}, []) is {table}[{key}]");
        }),
        ("copy_is_not", (d, _) =>
        {
            var w = d.DistinctWords(3);
            var name = string.Join('_', w);
            return Fn(name, $"{name} = {List(d.DistinctInts(3))}", $"assert {name}.copy() is not {name}");
        }),
        ("approx_sum", (d, _) =>
        {
            var (a, b, c) = (d.Int(), d.Int(), d.Int(3));
            var expected = $"({a} + {b}) / {c}, rel={GenericDraw.Tolerance})";
            return Fn(expected, $"assert {a} / {c} + {b} / {c} == pytest.approx({expected}");
        }),
        ("missing_key_raises", (d, _) =>
        {
            var w = d.DistinctWords(3);
            var key = PyLit.Str($"{w[0]}-{w[1]}-{d.Int()}");
            return Fn($"KeyError, match={key})",
                $"with pytest.raises(KeyError, match={key}):",
                $"    {{{PyLit.Str(w[2])}: {d.Int()}}}[{key}]");
        }),
        ("reversed_list", (d, _) =>
        {
            var xs = d.DistinctInts(3);
            var back = List(xs.Reverse());
            return Fn(back, $"assert list(reversed({List(xs)})) == {back}");
        }),
        ("int_parse_less", (d, _) =>
        {
            var (a, b) = (d.Int(), d.Int());
            int c, e;
            do (c, e) = (d.Int(), d.Int()); while (c + e <= a + b);
            return Fn($"{c} + {e}", $"assert int({PyLit.Str(a.ToString(System.Globalization.CultureInfo.InvariantCulture))}) + {b} < {c} + {e}");
        }),
        ("strip_spaces", (d, _) =>
        {
            var text = string.Join(' ', d.DistinctWords(3));
            return Fn(PyLit.Str(text), $"assert {PyLit.Str("  " + text + " ")}.strip() == {PyLit.Str(text)}");
        }),
        ("range_list", (d, _) =>
        {
            var (lo, step) = (d.Int(2, 40), d.Int(2, 10));
            var expected = List([lo, lo + step, lo + 2 * step]);
            return Fn(expected, $"assert list(range({lo}, {lo + 2 * step + 1}, {step})) == {expected}");
        }),
        ("join_words", (d, _) =>
        {
            var w = d.DistinctWords(3);
            var sep = d.Pick(["-", "+", ".", " "]);
            var joined = PyLit.Str(string.Join(sep, w));
            return Cls(joined + ")", $"self.assertEqual({PyLit.Str(sep)}.join({Strs(w)}), {joined})");
        }),
        ("in_range", (d, _) =>
        {
            var (lo, width) = (d.Int(2, 60), d.Int(3, 39));
            var expression = $"{lo + d.Int(0, width)} in range({lo}, {lo + width})";
            return Cls(expression + ")", $"self.assertTrue({expression})");
        }),
        ("get_default_none", (d, _) =>
        {
            var w = d.DistinctWords(2);
            var expression = $"{{{PyLit.Str(w[0])}: {d.Int()}}}.get({PyLit.Str(w[1])})";
            return Cls(expression + ")", $"self.assertIsNone({expression})");
        }),
        ("membership", (d, _) =>
        {
            var xs = d.DistinctInts(3);
            var pool = $"self.items + {List(xs[1..])}";
            return Cls(pool + ")", $"self.assertIn({xs[d.Int(1, 3)]}, {pool})");
        }),
        ("sorted_items", (d, items) =>
        {
            var extra = d.Int();
            var expected = List(items.Append(extra).Order());
            return Cls(expected + ")", $"self.assertEqual(sorted(self.items + [{extra}]), {expected})");
        }),
        ("int_rejects_text", (d, _) =>
        {
            var w = d.DistinctWords(2);
            var text = PyLit.Str($"{w[0]}-{w[1]}-{d.Int()}");
            return Cls($"ValueError, {text})", $"with self.assertRaisesRegex(ValueError, {text}):", $"    int({text})");
        }),
        ("fraction_sum", (d, _) =>
        {
            var (a, b, c) = (d.Int(), d.Int(), d.Int(3));
            return Cls($"{a} * {b} / {c})", $"self.assertAlmostEqual(sum([{a} / {c}] * {b}), {a} * {b} / {c}, places=6)");
        }),
    ];
}
