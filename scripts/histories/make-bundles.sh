#!/usr/bin/env bash
# Packs full clones of the repositories of data/histories/repos.txt into git bundles and writes data/histories/manifest.tsv.
#   scripts/histories/make-bundles.sh CLONES_DIR [OUT_DIR] [TAKEN_DATE]
# CLONES_DIR holds one clone per repository, as CLONES_DIR/<owner>+<name>/repo (a bare mirror) or CLONES_DIR/<owner>__<name>
# (any clone). Each bundle holds the default branch (the clone's HEAD) with its full history, and HEAD itself so that
# `git clone` checks it out. OUT_DIR defaults to data/histories; the manifest always goes next to repos.txt.
# A clone that is shallow or fails `git fsck --connectivity-only` (objects missing) stops the script, naming it.
set -euo pipefail
cd "$(dirname "$0")/../.."
clones=${1:?usage: make-bundles.sh CLONES_DIR [OUT_DIR] [TAKEN_DATE]}
out=${2:-data/histories}
taken=${3:-$(date -u +%F)}
list=data/histories/repos.txt
manifest=data/histories/manifest.tsv
mkdir -p "$out"

# SPDX id of a licence text (stdin), from its wording; "unknown" when nothing matches, so a human looks at it.
spdx() {
  local text; text=$(tr -s ' \n\t' ' ')
  if grep -q "Apache License" <<<"$text" && grep -qi "Version 2.0" <<<"$text"; then echo Apache-2.0
  elif grep -q "Permission is hereby granted, free of charge" <<<"$text"; then echo MIT
  elif grep -q "Redistribution and use in source and binary forms" <<<"$text"; then
    if grep -qiE "Neither the name|names of (its|the) contributors may not|name of the author may not" <<<"$text"; then echo BSD-3-Clause; else echo BSD-2-Clause; fi
  elif grep -q "free and unencumbered software released into the public domain" <<<"$text"; then echo Unlicense
  else echo unknown; fi
}

# Joins the remaining arguments with the first one ("none" if there are none).
join() { local sep=$1; shift; [ $# -gt 0 ] || { echo none; return; }; local s=$1; shift; for x in "$@"; do s+="$sep$x"; done; echo "$s"; }

tmp=$(mktemp)
printf 'repo\turl\tlicence_file\tspdx\tdefault_branch\thead_sha\thead_date\ttaken\tfirst_parent_commits\tbundle\tbundle_bytes\tbundle_sha256\n' >"$tmp"
grep -v '^\s*#' "$list" | awk 'NF {print $1}' | while read -r repo; do
  owner=${repo%%/*}; name=${repo#*/}
  dir="$clones/$owner+$name/repo"; [ -d "$dir" ] || dir="$clones/${owner}__$name"
  [ -d "$dir" ] || { echo "make-bundles: no clone of $repo at $clones/$owner+$name/repo or $clones/${owner}__$name" >&2; exit 1; }
  [ "$(git -C "$dir" rev-parse --is-shallow-repository)" = false ] || { echo "make-bundles: $dir is shallow; bundle a full clone" >&2; exit 1; }
  git -C "$dir" fsck --connectivity-only --no-dangling >/dev/null 2>&1 || { echo "make-bundles: $dir has missing objects (git fsck --connectivity-only)" >&2; exit 1; }
  branch=$(git -C "$dir" symbolic-ref --short HEAD)
  head=$(git -C "$dir" rev-parse "refs/heads/$branch")
  head_date=$(git -C "$dir" log -1 --format=%cI "$head")
  commits=$(git -C "$dir" rev-list --first-parent --count "$head")
  licences=(); ids=()
  while read -r f; do
    [ -n "$f" ] || continue
    licences+=("$f"); ids+=("$(git -C "$dir" show "$head:$f" | spdx)")
  done < <(git -C "$dir" ls-tree --name-only "$head" | grep -iE '^(licen[cs]e|copying)' | grep -viE 'header' || true)
  bundle="${owner}__$name.bundle"
  # One pack thread: the same clone and git version give the same bytes, so the sha256 can be re-checked by rebuilding.
  git -C "$dir" -c pack.threads=1 bundle create "$(realpath "$out")/$bundle" HEAD "refs/heads/$branch" 2>/dev/null
  git bundle verify "$out/$bundle" >/dev/null 2>&1 || { echo "make-bundles: $out/$bundle does not verify" >&2; exit 1; }
  bytes=$(stat -c %s "$out/$bundle")
  sha=$(sha256sum "$out/$bundle" | cut -d' ' -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$repo" "https://github.com/$repo" "$(join , "${licences[@]}")" \
    "$(join ' OR ' "${ids[@]}")" "$branch" "$head" "$head_date" "$taken" "$commits" "$bundle" "$bytes" "$sha" >>"$tmp"
  echo "make-bundles: $repo $branch $head ($commits first-parent commits, $bytes bytes)" >&2
done
mv "$tmp" "$manifest"
echo "make-bundles: wrote $manifest" >&2
