#!/bin/bash
# Usage: C2L='dotnet …/c2l.dll' PARTS=/shared/parts OUT=/shared/bench N=8 deploy/slurm/submit-bench.sh
# Queues an array of N mining shards and a merge that starts only after all N succeeded. Prints both job ids.
# Job logs go to $LOGS (default: the current folder).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-4}
LOGS=${LOGS:-.}
mkdir -p "$LOGS"
array=$(sbatch --parsable --export=ALL --array=1-"$N" --output="$LOGS/%x-%A_%a.out" "$here/bench-shard.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"$array" --output="$LOGS/%x-%j.out" "$here/bench-merge.sbatch")
echo "shards: job $array (array 1-$N) · merge: job $merge"
