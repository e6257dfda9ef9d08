#!/bin/bash
# A real single-node SLURM on localhost (Debian's slurm-wlm + munge) running the smoke world's sharded mining as a job array of
# 3 shards plus a dependent merge (deploy/slurm/submit-bench.sh), then checking the merged data files against a single-process
# `c2l bench build` with cmp. Usage, from the repository root after scripts/install.sh:
#   deploy/slurm/run-local.sh [LOG]        (default LOG: results/deploy/slurm-smoke.log)
# Needs root (or sudo) to install packages and start the daemons; everything else lives in a temporary folder, and the
# daemons it started are stopped at the end. CI does not run it.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
log=${1:-$root/results/deploy/slurm-smoke.log}
mkdir -p "$(dirname "$log")"
exec > >(tee "$log") 2>&1
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
step() { echo; echo "== $*"; }
fail() { keep=1; echo "FAILED: $*"; exit 1; }

step "$(date -u +%FT%TZ) host $(hostname) · $(nproc) CPUs · $(uname -sr)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  step "installing slurm-wlm and munge"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge || fail "apt-get install slurm-wlm munge"
fi
echo "slurm: $(slurmctld -V) · munge: $(munged -V 2>&1 | head -1)"

work=$(mktemp -d /tmp/c2l-slurm-XXXXXX)
cleanup() {
  # The daemons this script started, by the pid files they wrote (never by name).
  for f in slurmd.pid slurmctld.pid munged.pid; do [ -f "$work/$f" ] && as_root kill "$(cat "$work/$f")" 2>/dev/null; done
  sleep 1
  if [ -f "$work/merged/manifest.json" ] && [ "${keep:-0}" = 0 ]; then rm -rf "$work"; else echo "kept $work for inspection"; fi
}
trap cleanup EXIT

step "munge: a fresh key and munged on a private socket"
mkdir -p "$work/munge"
as_root dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
as_root chmod 600 "$work/munge/munge.key"
as_root munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" || fail "munged did not start (see $work/munge/munged.log)"
munge -n --socket="$work/munge/munge.socket" | unmunge --socket="$work/munge/munge.socket" | grep -q "STATUS: *Success" || fail "munge round trip"
echo "munge round trip: Success"

step "slurm.conf for one node ($(hostname -s)) on localhost"
node=$(hostname -s)
mem=$(awk '/MemTotal/ {print int($2/1024) - 512}' /proc/meminfo)
mkdir -p "$work/state" "$work/spool" "$work/out"
cat > "$work/slurm.conf" <<CONF
ClusterName=c2l-local
SlurmctldHost=$node(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
cat "$work/slurm.conf"
export SLURM_CONF=$work/slurm.conf

step "starting slurmctld and slurmd"
as_root env SLURM_CONF="$SLURM_CONF" slurmctld -D -i > "$work/slurmctld.out" 2>&1 &
sleep 3
as_root env SLURM_CONF="$SLURM_CONF" slurmd -D > "$work/slurmd.out" 2>&1 &
for i in $(seq 1 30); do
  sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle" && break
  sleep 1
done
sinfo || true
if ! sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle"; then
  echo "--- slurmctld log"; tail -30 "$work/slurmctld.log" "$work/slurmctld.out" 2>/dev/null
  echo "--- slurmd log"; tail -30 "$work/slurmd.log" "$work/slurmd.out" 2>/dev/null
  fail "the node never became idle"
fi

step "sharded mining of the smoke world: array of 3 shards + dependent merge"
c2l="dotnet $root/src/Code2Lora.Cli/bin/Release/net10.0/c2l.dll"
[ -f "$root/src/Code2Lora.Cli/bin/Release/net10.0/c2l.dll" ] || fail "no c2l build; run scripts/install.sh first"
cd "$work/out"
ids=$(C2L="$c2l" PARTS="$work/parts" OUT="$work/merged" N=3 PRESET=smoke C2L_BUILD_ARGS="" LOGS="$work/out" \
      bash -c "cd '$root' && deploy/slurm/submit-bench.sh") || fail "sbatch"
echo "$ids"
array=$(echo "$ids" | sed -E 's/^shards: job ([0-9]+).*/\1/')
merge=$(echo "$ids" | sed -E 's/.*merge: job ([0-9]+).*/\1/')
for i in $(seq 1 600); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 2
done
squeue || true
echo "--- job states (scontrol keeps finished jobs for MinJobAge = 300 s)"
for j in "$array" "$merge"; do
  scontrol -o show job "$j" 2>/dev/null | while read -r line; do
    echo "$line" | tr ' ' '\n' | grep -E '^(JobId|ArrayJobId|ArrayTaskId|JobState|ExitCode|Dependency|NodeList)=' | paste -sd' '
  done
done
for f in "$work"/out/*.out; do [ -f "$f" ] && { echo "--- $(basename "$f")"; grep -vE "started|[0-9]+/[0-9]+ \(" "$f" | tail -4; }; done
[ -f "$work/merged/manifest.json" ] || fail "the merge job wrote no benchmark"

step "single-process build and byte comparison of the data files"
(cd "$root" && $c2l bench build --preset smoke --out "$work/single" | tail -3)
bad=0; n=0
for f in $(cd "$work/single" && find static evolution -name '*.parquet' | sort); do
  n=$((n+1))
  if cmp "$work/single/$f" "$work/merged/$f"; then echo "identical  $f"; else echo "DIFFERENT  $f"; bad=1; fi
done
[ $n -gt 0 ] || fail "no data files compared"
[ $bad = 0 ] || { keep=1; fail "merged files differ from the single-process build"; }
step "OK: $n data files of the 3-shard SLURM build equal the single-process build byte for byte"
