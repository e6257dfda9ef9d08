#!/usr/bin/env bash
# Installs what Code2Lora.NET needs on a Debian 12 machine that has the .NET 10 SDK, then builds (Release).
#   apt: git, python3 (differential tests of the Python front end), chromium (PNG/SVG/PDF figures, notebook chart PNGs),
#        python3-nbformat (the notebook tests validate nbformat 4.5 with Jupyter's own validator),
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

pkgs=(git python3 chromium python3-torch libopenblas0-pthread python3-nbformat libtree-sitter0)
lists=(data/corpora/static-packages.txt)
[ "${C2L_PRETRAIN_CORPUS:-0}" = 1 ] && lists+=(data/corpora/pretrain-packages.txt)
for list in "${lists[@]}"; do
  [ -f "$list" ] && pkgs+=($(sed -e 's/#.*//' "$list" | awk 'NF {print $1}'))
done
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
# apt's machine-readable status (APT::Status-Fd) as one line per phase change and at least every 10 s, so a log
# shows what apt is doing during the minutes it takes (python3-torch alone pulls in ~200 packages).
apt_progress() {
  local kind _ pct msg what last=-10 shown=""
  while IFS=: read -r kind _ pct msg; do
    case "$kind" in dlstatus) what="downloading" ;; pmstatus) what="installing" ;; *) continue ;; esac
    if [ "$what" != "$shown" ] || (( SECONDS - last >= 10 )); then
      printf 'install: apt %s, %.0f %% (%s)\n' "$what" "$pct" "$msg"
      last=$SECONDS; shown=$what
    fi
  done
}

if ((${#missing[@]})); then
  echo "install: ${#missing[@]} apt package(s) to install: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "install: apt-get update (refreshing the package lists)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends -o APT::Status-Fd=3 "${missing[@]}" 3>&1 >/dev/null | apt_progress
  echo "install: apt done"
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
echo "install: dotnet build -c Release (restores packages; a few minutes on a fresh clone)"
dotnet build Code2Lora.sln -c Release -nologo -v q -clp:ErrorsOnly

# The real git histories: each bundle's sha256 is checked against data/histories/manifest.tsv and the bundle is cloned
# into data/work/histories (once). A missing or corrupt bundle stops the install, naming it and both checksums.
bundles=${C2L_HISTORIES:-data/histories}
if compgen -G "$bundles/*.bundle" >/dev/null; then ./c2l histories prepare
else echo "install: no history bundles in $bundles (see data/histories/README.md); the real-history evolution track needs them"; fi
echo "install: done"
