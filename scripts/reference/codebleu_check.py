#!/usr/bin/env python3
"""Differential check of the C# CodeBLEU (src/Code2Lora/Evaluation/CodeBleu) against the `codebleu` Python package.

Run where the package can be imported (pip install codebleu==0.7.1 tree-sitter-python==0.23.6):
  1. python3 scripts/reference/codebleu_check.py pairs /tmp/cb-pairs.json
       mutated snippets (a renamed identifier, a dropped line, a cut mid-way) of the functions, loops and ifs of the
       Python files under /usr/lib/python3/dist-packages, as a JSON list of {"prediction", "reference"}
  2. ./c2l bench codebleu-speed --pairs /tmp/cb-pairs.json --dump /tmp/cb-scores.jsonl --out /tmp/cb-speed.json
       the C# parts of every distinct pair: saved predictions under results/ plus the file of step 1
  3. python3 scripts/reference/codebleu_check.py check /tmp/cb-scores.jsonl [--seeds 8] [--out results/codebleu-check]
       recomputes calc_codebleu([reference], [prediction], "python") and writes report.json and report.md

The package orders merged data-flow parents through a Python set of strings, so its data-flow part (and the total)
changes with PYTHONHASHSEED. `check` therefore scores every pair under several seeds (one subprocess per seed) and
counts, per part, the pairs where the C# value equals seed 0's and those where it equals none of the seeds' values.
"""
import argparse
import ast
import glob
import json
import os
import random
import re
import subprocess
import sys
import textwrap

PARTS = ["codebleu", "ngram_match_score", "weighted_ngram_match_score", "syntax_match_score", "dataflow_match_score"]


def make_pairs(out, limit, seed):
    rng = random.Random(seed)
    files = sorted(glob.glob("/usr/lib/python3/dist-packages/**/*.py", recursive=True))
    rng.shuffle(files)
    pairs = []
    for path in files:
        try:
            source = open(path, encoding="utf-8").read()
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        lines = source.split("\n")
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.For, ast.While, ast.If)) or node.end_lineno - node.lineno >= 25:
                continue
            reference = textwrap.dedent("\n".join(lines[node.lineno - 1: node.end_lineno]))
            names = sorted(set(re.findall(r"\b[a-z_][a-z0-9_]{2,}\b", reference)))
            roll = rng.random()
            if roll < 0.3 and names:
                name = rng.choice(names)
                prediction = re.sub(r"\b%s\b" % name, name + "_x", reference)
            elif roll < 0.6:
                split = reference.split("\n")
                i = rng.randrange(len(split))
                prediction = "\n".join(split[:i] + split[i + 1:])
            else:
                prediction = reference[: rng.randrange(1, max(2, len(reference)))]
            pairs.append({"prediction": prediction, "reference": reference})
            if rng.random() < 0.2:
                break
        if len(pairs) >= limit:
            break
    with open(out, "w", encoding="utf-8") as f:
        json.dump(pairs, f)
    print(f"{len(pairs)} pairs -> {out}")


def score(scores_path, out):
    """One seed's package scores of every line of scores_path (run in a subprocess with PYTHONHASHSEED set)."""
    import logging
    logging.disable(logging.WARNING)
    from codebleu import calc_codebleu
    results = []
    for line in open(scores_path, encoding="utf-8"):
        d = json.loads(line)
        try:
            r = calc_codebleu([d["reference"]], [d["prediction"]], "python")
            results.append({k: float(r[k]) for k in PARTS})
        except Exception as e:  # the authors' wrapper falls back to a token BLEU here; report it
            results.append({"error": repr(e)[:200]})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f)


def check(scores_path, seeds, out_dir):
    ours = [json.loads(line) for line in open(scores_path, encoding="utf-8")]
    runs = []
    for seed in range(seeds):
        tmp = os.path.join(out_dir, f".seed{seed}.json")
        env = dict(os.environ, PYTHONHASHSEED=str(seed))
        subprocess.run([sys.executable, __file__, "score", scores_path, tmp], env=env, check=True)
        runs.append(json.load(open(tmp, encoding="utf-8")))
        os.remove(tmp)
    import codebleu
    import tree_sitter
    report = {"pairs": len(ours), "seeds": seeds, "package": getattr(codebleu, "__version__", "?"), "package_file": codebleu.__file__,
              "tree_sitter_file": tree_sitter.__file__, "errors": sum(1 for r in runs[0] if "error" in r), "parts": {}, "examples": []}
    for part in PARTS:
        equal_seed0 = outside = 0
        for i, d in enumerate(ours):
            values = [run[i][part] for run in runs if part in run[i]]
            if not values:
                continue
            equal_seed0 += abs(values[0] - d[part]) <= 1e-9
            if all(abs(v - d[part]) > 1e-9 for v in values):
                outside += 1
                if len(report["examples"]) < 20:
                    report["examples"].append({"part": part, "ours": d[part], "package": sorted(set(values)),
                                               "prediction": d["prediction"][:200], "reference": d["reference"][:200]})
        mean_ours = sum(d[part] for d in ours) / len(ours)
        means = [sum(r[part] for r in run if part in r) / max(1, sum(1 for r in run if part in r)) for run in runs]
        report["parts"][part] = {"equal_to_seed0": equal_seed0, "outside_all_seeds": outside, "mean_ours": mean_ours,
                                 "mean_package_min": min(means), "mean_package_max": max(means)}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    md = [f"# CodeBLEU: C# vs the codebleu package\n",
          f"{report['pairs']} pairs from `{scores_path}`, package scored under PYTHONHASHSEED 0..{seeds - 1} "
          f"(`{report['package_file']}`, tree_sitter `{report['tree_sitter_file']}`); package errors: {report['errors']}.\n",
          "| part | equal to seed 0 | equal to no seed | C# mean | package mean over seeds |", "|---|---|---|---|---|"]
    for part, p in report["parts"].items():
        md.append(f"| {part} | {p['equal_to_seed0']} | {p['outside_all_seeds']} | {p['mean_ours']:.5f} | "
                  f"{p['mean_package_min']:.5f} – {p['mean_package_max']:.5f} |")
    with open(os.path.join(out_dir, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pairs"); p.add_argument("out"); p.add_argument("--limit", type=int, default=3000); p.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("score"); s.add_argument("scores"); s.add_argument("out")
    c = sub.add_parser("check"); c.add_argument("scores"); c.add_argument("--seeds", type=int, default=8)
    c.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "codebleu-check"))
    a = ap.parse_args()
    if a.cmd == "pairs":
        make_pairs(a.out, a.limit, a.seed)
    elif a.cmd == "score":
        score(a.scores, a.out)
    else:
        os.makedirs(a.out, exist_ok=True)
        check(a.scores, a.seeds, a.out)


if __name__ == "__main__":
    main()
