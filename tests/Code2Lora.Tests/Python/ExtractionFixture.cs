namespace Code2Lora.Tests.Python;

/// <summary>A test module exercising every assertion family and every part of the structured prefix.</summary>
internal static class ExtractionFixture
{
    public const string Module =
        """
        import os
        from x import y
        CONST = 1
        "module string, not a statement worth keeping"
        print("hi")
        if DEBUG:
            Z = 2


        def helper():
            return 3


        class TestThing(unittest.TestCase):
            attr = 5

            def setUp(self):
                self.v = 1

            def test_eq(self):
                a = helper()
                self.assertEqual(a, 3)
                self.assertTrue(a)
                self.assertRaises(ValueError, int, "x")
                self.assertRaisesRegex(ValueError, "bad", int, "x")

            def make(self):
                return 2


        @pytest.mark.parametrize("n", [1])
        def test_bare(n):
            s2 = make()
            assert s2.source == "abc"
            assert n in [1, 2]
            assert n is not None
            assert n
            with pytest.raises(ValueError, match="x"):
                int("x")
            assert n == pytest.approx(1.0, rel=1e-3)
            np.testing.assert_allclose(n, [1.0])
            m.assert_called_once_with(1)
            assert foo(
                1,
                2) == [
                1, 2]

        """;

    /// <summary>The 1-based line of the first line containing <paramref name="text"/>.</summary>
    public static int LineOf(string text) =>
        Array.FindIndex(Module.Split('\n'), l => l.Contains(text, StringComparison.Ordinal)) + 1;
}
