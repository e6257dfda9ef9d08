#!/usr/bin/env bash
# Installs what Code2Lora.NET needs on a Debian 12 machine that has the .NET 10 SDK, then builds (Release).
#   apt: git, python3 (differential tests of the Python front end), chromium (PNG export of figures),
#        python3-torch + libopenblas0-pthread (the PyTorch reference of the decoder parity tests and of
#        `c2l bench train-speed`; without OpenBLAS Debian's torch falls back to the reference BLAS, ~35x slower),
#        libtree-sitter0 (the parser runtime CodeBLEU's syntax and data-flow parts use),
#        and the Debian python3-* packages of data/corpora/static-packages.txt (the benchmark's real code).
#   npm: tree-sitter-python (CodeBLEU's Python grammar; its prebuilt Linux library is unpacked into .tools/, no compiler).
#   C2L_PRETRAIN_CORPUS=1 also installs data/corpora/pretrain-packages.txt (code for pretraining the tiny LM;
#   ~150 MB, only needed to re-run pretraining).
# Idempotent: packages already present are not asked for again, so a second run costs only the build.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(git python3 chromium python3-torch libopenblas0-pthread libtree-sitter0)
lists=(data/corpora/static-packages.txt)
[ "${C2L_PRETRAIN_CORPUS:-0}" = 1 ] && lists+=(data/corpora/pretrain-packages.txt)
for list in "${lists[@]}"; do
  [ -f "$list" ] && pkgs+=($(sed -e 's/#.*//' "$list" | awk 'NF {print $1}'))
done
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "install: ${#missing[@]} apt package(s) to install"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# CodeBLEU's grammar: the version the codebleu package resolves to; npm checks the tarball's registry checksum.
ts_version=0.23.6
ts_dir=.tools/tree-sitter-python/$ts_version
if [ ! -f "$ts_dir/linux-x64/tree-sitter-python.node" ]; then
  command -v npm >/dev/null || { echo "install: npm is required to fetch tree-sitter-python (apt-get install npm)" >&2; exit 1; }
  echo "install: tree-sitter-python $ts_version (npm) into $ts_dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "tree-sitter-python@$ts_version" >/dev/null && tar xzf "tree-sitter-python-$ts_version.tgz")
  for arch in linux-x64 linux-arm64; do
    mkdir -p "$ts_dir/$arch" && cp "$tmp/package/prebuilds/$arch/tree-sitter-python.node" "$ts_dir/$arch/"
  done
  cp "$tmp/package/LICENSE" "$ts_dir/"
  rm -rf "$tmp"
fi

command -v dotnet >/dev/null || { echo "install: the .NET 10 SDK is required (https://dot.net); see environment.md" >&2; exit 1; }
dotnet build Code2Lora.sln -c Release -nologo -v q -clp:ErrorsOnly
echo "install: done"
