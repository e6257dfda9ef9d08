#!/usr/bin/python3
"""Per-package Python stats for Code2Lora.NET corpus curation.

Usage:
  pkgstats.py --installed PKG...        # uses `dpkg -L PKG` on this machine
  pkgstats.py --root DIR PKG            # DIR = `dpkg-deb -x pkg.deb DIR` of one package
Prints one TSV row per package (header first):
package version module_dirs py_files test_files asserts unittest_asserts
pytest_raises bytes so_files test_bytes other_test_py parse_errors

Rules
* module dir   = first path component below .../dist-packages/ (or site-packages),
                 excluding *.dist-info / *.egg-info; single-file modules count as 'name.py'.
* py_files     = *.py files below dist-packages owned by the package.
* test file    = relative path (below dist-packages) has a directory component whose
                 lower-cased name contains 'test', or file name matches test_*.py / *_test.py
                 (also 'tests.py' / 'conftest.py' since their name contains 'test').
* asserts          = ast.Assert nodes in test files
* unittest_asserts = calls self.assert*(...) / self.fail*(...) in test files
* pytest_raises    = calls pytest.raises / pytest.warns / pytest.deprecated_call in test files
* bytes            = total size of owned .py files below dist-packages
* other_test_py    = owned .py test files OUTSIDE dist-packages (e.g. /usr/share/doc/...)
"""
import ast, os, re, subprocess, sys, warnings

warnings.simplefilter("ignore")
SITE_RE = re.compile(r"^/usr/lib/python3[^/]*/(dist|site)-packages/(.+)$")


def is_test(rel):
    parts = rel.split("/")
    fname = parts[-1]
    if any("test" in d.lower() for d in parts[:-1]):
        return True
    if "test" in fname.lower()[:-3] and (fname.startswith("test_") or fname.endswith("_test.py")
                                         or fname in ("tests.py", "test.py", "conftest.py")):
        return True
    return False


def count(src):
    tree = ast.parse(src)
    a = u = r = 0
    for n in ast.walk(tree):
        if isinstance(n, ast.Assert):
            a += 1
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            f = n.func
            if isinstance(f.value, ast.Name):
                if f.value.id == "self" and (f.attr.startswith("assert") or f.attr.startswith("fail")):
                    u += 1
                elif f.value.id == "pytest" and f.attr in ("raises", "warns", "deprecated_call"):
                    r += 1
    return a, u, r


def stats(pkg, files, root=""):
    mods = set()
    py = tests = A = U = R = B = so = TB = other = perr = 0
    for path in files:
        real = root + path
        if not os.path.isfile(real) or os.path.islink(real):
            continue
        m = SITE_RE.match(path)
        if m is None:
            if path.endswith(".py") and is_test(path):
                other += 1
            continue
        rel = m.group(2)
        top = rel.split("/")[0]
        if top.endswith((".dist-info", ".egg-info")):
            continue
        if path.endswith(".so"):
            so += 1
        if not path.endswith(".py"):
            continue
        mods.add(top)
        py += 1
        sz = os.path.getsize(real)
        B += sz
        if is_test(rel):
            tests += 1
            TB += sz
            try:
                with open(real, "rb") as fh:
                    a, u, r = count(fh.read())
                A += a; U += u; R += r
            except Exception:
                perr += 1
    return [pkg, "", ",".join(sorted(mods)), py, tests, A, U, R, B, so, TB, other, perr]


HDR = "package version module_dirs py_files test_files asserts unittest_asserts pytest_raises bytes so_files test_bytes other_test_py parse_errors".split()


def main():
    args = sys.argv[1:]
    print("\t".join(HDR))
    if args[0] == "--installed":
        for pkg in args[1:]:
            out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True).stdout.split("\n")
            row = stats(pkg, [l for l in out if l])
            row[1] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
            print("\t".join(map(str, row)))
    elif args[0] == "--root":
        root, pkg = args[1].rstrip("/"), args[2]
        files = []
        for d, _, fs in os.walk(root):
            for f in fs:
                files.append(os.path.join(d, f)[len(root):])
        row = stats(pkg, files, root)
        print("\t".join(map(str, row)))


if __name__ == "__main__":
    main()
