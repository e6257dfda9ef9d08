using Code2Lora.Bench;
using Code2Lora.Python;

namespace Code2Lora.Tests.Bench;

/// <summary>The one-pass hashed keys against their definition (type, whitespace-normalised prefix, normalised target).</summary>
public class AssertionKeyTests
{
    public static TheoryData<string> Files => new()
    {
        "import os\n\ndef test_a():\n    x = 1\n    assert x == 1\n    assert   x  ==   f(1,   2)  \n",
        "\uFEFFdef test_b():\n\tassert f(1) == 2\n",
        "def test_c(self):\r\n    self.assertEqual(a,\r\n        b)\r\n",
        "assert 1 == 1\n",
        "def test_d():\n    assert x == 1; assert y == 2\n",
        "x = '\u00A0\u3000 \u2029'\ndef test_e():\n    assert x\n",
        "def test_f():\n    pytest.raises(ValueError)\n    np.testing.assert_allclose(a, b)\n    assert_equal(a, b)\n    assert x",
        "   \n\n\ndef test_g():\n    assert (a ==\n        b)\n",
        "class T:\n    def test_h(self):\n        self.assertTrue(\n            x)\n        self.assertRaisesRegex(E, 'p')\n",
        "def test_i():\n    assert s == '\U0001F600'   \n    assert t == 'a\tb'\n",
        "def test_j():\n    with pytest.raises(KeyError, match='k'):\n        d['k']\n    assert pytest.approx(0.1) == 0.1\n",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void One_pass_keys_equal_the_keys_of_the_built_prefixes(string source)
    {
        var file = EvolutionTaskExtractor.Parse(source);
        var keys = AssertionKey.ForFile(file);
        var built = EvolutionTaskExtractor.Extract(source);
        Assert.NotEmpty(file.Sites);
        Assert.Equal(built.Count, keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(built[i].Prefix, file.Sites[i].Prefix(file.Text));
            Assert.Equal(AssertionKey.Of(built[i].AssertionType, built[i].Prefix, built[i].Target), keys[i]);
        }
    }

    private static AssertionKey Single(string source) => Assert.Single(AssertionKey.ForFile(EvolutionTaskExtractor.Parse(source)));

    [Fact]
    public void Whitespace_only_edits_keep_the_key_and_code_edits_change_it()
    {
        var original = Single("def test_x():\n    y = 1\n    assert y == f(1, 2)\n");
        Assert.Equal(original, Single("def test_x():\n\n    y  =  1   \n\n\n    assert y ==   f(1,\n        2)\n"));
        Assert.Equal(original, Single("def test_x():\r\n\ty = 1\r\n\tassert y == f(1, 2)\r\n"));

        var moved = Single("def test_x():\n    y = 1\n    z = 0\n    assert y == f(1, 2)\n");
        Assert.NotEqual(original.Key, moved.Key);
        Assert.NotEqual(original.Prefix, moved.Prefix);

        var retargeted = Single("def test_x():\n    y = 1\n    assert y == f(1, 3)\n");
        Assert.NotEqual(original.Key, retargeted.Key);
        Assert.Equal(original.Prefix, retargeted.Prefix);   // same prefix, other target: a changed assertion
    }

    [Fact]
    public void The_encoding_of_the_tuple_is_injective()
    {
        Assert.NotEqual(AssertionKey.Of("assert_compare", "ab", "c"), AssertionKey.Of("assert_compare", "a", "bc"));
        Assert.NotEqual(AssertionKey.Of("x", "p", "yz").Key, AssertionKey.Of("xy", "p", "z").Key);
        Assert.NotEqual(AssertionKey.Of("unittest", "p", "t"), AssertionKey.Of("assert_call", "p", "t"));
        Assert.Equal(AssertionKey.Of("t", "  a \n\t b ", " c  d "), AssertionKey.Of("t", "a b", "c d"));
    }

    [Fact]
    public void Hex_round_trips_and_rejects_short_keys()
    {
        var key = AssertionKey.Of("t", "p", "x").Key;
        Assert.Equal(key, AssertionKey.ParseHex(AssertionKey.Hex(key)));
        Assert.Equal(32, AssertionKey.Hex(key).Length);
        Assert.Null(AssertionKey.ParseHex("0123456789abcdef"));   // an older ledger's 64-bit key
        Assert.Null(AssertionKey.ParseHex(new string('z', 32)));
    }
}
