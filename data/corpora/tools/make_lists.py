#!/usr/bin/python3
"""Regenerate static-packages.txt / pretrain-packages.txt / stats.tsv from pkgstats.py output."""
import subprocess, sys, os
D = os.path.dirname(os.path.abspath(__file__))
def rows(f):
    r = {}
    for l in open(f):
        c = l.rstrip('\n').split('\t')
        if c[0] != 'package': r[c[0]] = c
    return r
st_rows = rows(sys.argv[1]); pr_rows = rows(sys.argv[2])
st = [l.strip() for l in open(sys.argv[3]) if l.strip()]
pr = [l.strip() for l in open(sys.argv[4]) if l.strip()]
def isz(p):
    return subprocess.run(['dpkg-query','-W','-f=${Installed-Size}',p],capture_output=True,text=True).stdout
with open(os.path.join(D,'stats.tsv'),'w') as f:
    f.write('\t'.join("package version module_dirs py_files test_files asserts unittest_asserts pytest_raises bytes list so_files test_bytes other_test_py parse_errors installed_size_kb".split())+'\n')
    for lst, names, R in (('static', st, st_rows), ('pretrain', pr, pr_rows)):
        for p in names:
            c = R[p]
            f.write('\t'.join(c[:9] + [lst] + c[9:13] + [isz(p)]) + '\n')
def write(fn, names, R, head, static):
    with open(os.path.join(D, fn), 'w') as f:
        f.write(head)
        for p in sorted(names, key=lambda p: -(int(R[p][5])+int(R[p][6])+int(R[p][7])) if static else -int(R[p][8])):
            c = R[p]
            if static:
                f.write(f"{p:28s} # {c[1]}; mods={c[2]}; py={c[3]} test_files={c[4]} assert={c[5]} self.assert*={c[6]} pytest.raises={c[7]}; py_bytes={int(c[8])//1024}K\n")
            else:
                f.write(f"{p:28s} # {c[1]}; mods={c[2]}; py={c[3]} test_files={c[4]}; py_bytes={int(c[8])//1024}K\n")
write('static-packages.txt', st, st_rows,
 "# Code2Lora.NET benchmark ('static') snapshot repositories: Debian 12 bookworm python3-* packages\n"
 "# whose installed files include a real test suite. Sorted by assert-like statements (assert + self.assert*/fail* + pytest.raises/warns).\n"
 "# Install: apt-get install -y --no-install-recommends $(grep -o '^python3-[^ ]*' static-packages.txt)\n"
 "# Stats: pkgstats.py --installed (dpkg -L; counts via python3.11 ast, test-file rule in REPORT.md)\n", True)
write('pretrain-packages.txt', pr, pr_rows,
 "# Pretraining corpus packages: DISJOINT from static-packages.txt (no common package, no common module dir,\n"
 "# no common dpkg-owned file). Corpus = *.py owned (dpkg -L) by these packages under /usr/lib/python3/dist-packages,\n"
 "# minus any file owned by a static-list package. Sorted by .py bytes.\n"
 "# Install: apt-get install -y --no-install-recommends $(grep -o '^python3-[^ ]*' pretrain-packages.txt)\n", False)
