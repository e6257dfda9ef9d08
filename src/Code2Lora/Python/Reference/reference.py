"""CPython side of the tokenizer/extractor differential (embedded in Code2Lora; run by PythonDifferential).

Reads file paths from stdin, one per line, and prints one JSON line per file:
  {"path": ..., "tokens": [[type_name, string, sl, sc, el, ec], ...]} or {"path": ..., "error": msg}
  plus "families": {assertion_type: count} and "targets": [[assertion_type, lineno, target], ...], or "parse_error": msg.
Families and targets follow the evolution-form rules of Code2Lora.Python.EvolutionTaskExtractor (ast.walk over the module).
"""
import ast
import io
import json
import re
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


class Span:
    """A source range in ast coordinates (first node start to last node end), for segment()."""

    def __init__(self, first, last):
        self.lineno, self.col_offset = first.lineno, first.col_offset
        self.end_lineno, self.end_col_offset = last.end_lineno, last.end_col_offset


LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+\Z", re.S)


def segment(lines, node):
    """ast.get_source_segment over pre-split lines (the stdlib re-splits the whole file on every call)."""
    first, last = node.lineno - 1, node.end_lineno - 1
    head = lines[first].encode("utf-8")
    if first == last:
        return head[node.col_offset:node.end_col_offset].decode("utf-8")
    tail = lines[last].encode("utf-8")[:node.end_col_offset].decode("utf-8")
    return head[node.col_offset:].decode("utf-8") + "".join(lines[first + 1:last]) + tail


def flat(lines, node):
    return re.sub(r"[ \t\f]*[\r\n][\r\n \t\f]*", " ", segment(lines, node))


def target(lines, node, family):
    if family == "assert_compare":
        return flat(lines, node.test.comparators[0])
    if family == "assert_expr":
        return flat(lines, node.test)
    if family == "unittest":
        method, args = node.func.attr, node.args
        if method in ("assertRaises", "assertRaisesRegex"):
            text = flat(lines, args[0])
            if method == "assertRaisesRegex" and len(args) >= 2:
                text += ", " + flat(lines, args[1])
            return text + ")"
        return flat(lines, args[0] if method in FIRST_ARG else args[-1]) + ")"
    if family.startswith("pytest_"):
        first = min(list(node.args) + list(node.keywords), key=lambda n: (n.lineno, n.col_offset))
        return flat(lines, Span(first, node))
    return flat(lines, node.args[-1]) + ")"


def families(tree, lines):
    counts, targets = {}, []
    for node in ast.walk(tree):
        family = None
        if isinstance(node, ast.Assert):
            family = "assert_compare" if isinstance(node.test, ast.Compare) else "assert_expr"
        elif isinstance(node, ast.Call):
            family = call_family(node)
        if family:
            counts[family] = counts.get(family, 0) + 1
            targets.append([family, node.lineno, target(lines, node, family)])
    return counts, targets


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
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        source = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="").read()
        result["families"], result["targets"] = families(ast.parse(data), LINE.findall(source))
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, LookupError) as error:
        result["parse_error"] = "%s: %s" % (type(error).__name__, error)
    return result


def main():
    for line in sys.stdin:
        path = line.rstrip("\r\n")
        if path:
            print(json.dumps(describe(path)), flush=True)


if __name__ == "__main__":
    main()
