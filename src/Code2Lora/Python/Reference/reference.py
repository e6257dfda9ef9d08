"""CPython side of the tokenizer/extractor differential (embedded in Code2Lora; run by PythonDifferential).

Reads file paths from stdin, one per line, and prints one JSON line per file:
  {"path": ..., "tokens": [[type_name, string, sl, sc, el, ec], ...]} or {"path": ..., "error": msg}
  plus "families": {assertion_type: count} or "parse_error": msg.
Families follow the evolution-form rules of Code2Lora.Python.EvolutionTaskExtractor (ast.walk over the module).
"""
import ast
import io
import json
import sys
import tokenize

UNITTEST = {
    "assertEqual", "assertNotEqual", "assertTrue", "assertFalse", "assertIs", "assertIsNot", "assertIsNone",
    "assertIsNotNone", "assertIn", "assertNotIn", "assertIsInstance", "assertNotIsInstance", "assertRaises",
    "assertRaisesRegex", "assertWarns", "assertWarnsRegex", "assertAlmostEqual", "assertNotAlmostEqual",
    "assertGreater", "assertGreaterEqual", "assertLess", "assertLessEqual", "assertRegex", "assertNotRegex",
    "assertCountEqual", "assertMultiLineEqual", "assertSequenceEqual", "assertListEqual", "assertTupleEqual",
    "assertSetEqual", "assertDictEqual",
}
FIRST_ARG = {"assertRaises", "assertRaisesRegex", "assertTrue", "assertFalse", "assertIsNone", "assertIsNotNone"}
MOCK_STYLE = ("assert_called", "assert_any_call", "assert_has_calls", "assert_not_called")


def call_family(call):
    func = call.func
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id == "self" and func.attr in UNITTEST:
            needed = 1 if func.attr in FIRST_ARG else 2
            return "unittest" if len(call.args) >= needed else None
        if isinstance(func.value, ast.Name) and func.value.id == "pytest" and func.attr in ("raises", "approx"):
            return "pytest_" + func.attr if (call.args or call.keywords) else None
        name = func.attr
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        return None
    if name.startswith("assert_") and not name.startswith(MOCK_STYLE) and call.args:
        return "assert_call"
    return None


def families(tree):
    counts = {}
    for node in ast.walk(tree):
        family = None
        if isinstance(node, ast.Assert):
            family = "assert_compare" if isinstance(node.test, ast.Compare) else "assert_expr"
        elif isinstance(node, ast.Call):
            family = call_family(node)
        if family:
            counts[family] = counts.get(family, 0) + 1
    return counts


def describe(path):
    result = {"path": path}
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        result["error"] = str(error)
        return result
    try:
        tokens = []
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type == tokenize.ENCODING:
                continue
            tokens.append([tokenize.tok_name[tok.type], tok.string, tok.start[0], tok.start[1], tok.end[0], tok.end[1]])
        result["tokens"] = tokens
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError) as error:
        result["error"] = "%s: %s" % (type(error).__name__, error)
    try:
        result["families"] = families(ast.parse(data))
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError) as error:
        result["parse_error"] = "%s: %s" % (type(error).__name__, error)
    return result


def main():
    for line in sys.stdin:
        path = line.rstrip("\r\n")
        if path:
            print(json.dumps(describe(path)), flush=True)


if __name__ == "__main__":
    main()
