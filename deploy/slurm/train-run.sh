#!/usr/bin/env bash
# A proven training run sharded over a Slurm job array (potbench train):
# prepare sets up the keys, an array of SHARDS tasks proves (task i proves
# the proofs whose index is i mod SHARDS, from SLURM_ARRAY_TASK_ID), merge
# assembles manifest.json and verifies. Run from the potbench checkout on a
# shared file system:   deploy/slurm/train-run.sh [SHARDS] [potbench train flags]
#
# Every stage passes -resume, so running the recipe again proves only what
# is missing (a failed or cancelled shard) and keeps the rest. The merge
# runs after the array whatever its outcome (afterany) and refuses, naming
# the shards that owe proofs, when one did not finish.
#
# Environment: POTBENCH (the binary, default potbench), POTBENCH_CPUS (CPUs
# per task, default 2), POTBENCH_SLURM_LOGS (where the jobs' output goes,
# default .), POTBENCH_WAIT=1 (wait for the merge and exit with its status).
set -euo pipefail
shards=${1:-8}
shift || true
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(-model mlp -epochs 1 -batch 32 -out runs/mlp-digits)
potbench=${POTBENCH:-potbench}
logs=${POTBENCH_SLURM_LOGS:-.}
cpus=${POTBENCH_CPUS:-2}

prep=$(sbatch --parsable --job-name=potbench-prepare --cpus-per-task="$cpus" --output="$logs/%x-%j.out" \
  --wrap "$potbench train ${flags[*]} -prepare -resume")
prove=$(sbatch --parsable --job-name=potbench-prove --dependency=afterok:"$prep" \
  --array=0-$((shards - 1)) --cpus-per-task="$cpus" --output="$logs/%x-%A_%a.out" \
  --wrap "$potbench train ${flags[*]} -shard $shards -resume")
echo "submitted: prepare $prep, prove $prove (array of $shards), merge after the array"
merge=$(sbatch --parsable --job-name=potbench-merge --dependency=afterany:"$prove" --output="$logs/%x-%j.out" \
  --wrap "$potbench train ${flags[*]} -merge -shard $shards")
echo "merge $merge"
[ "${POTBENCH_WAIT:-}" = 1 ] || exit 0
while squeue -h -j "$merge" 2>/dev/null | grep -q .; do sleep 1; done # (sbatch --wait polls ever more slowly)
state=$(scontrol -o show job "$merge" | grep -o 'JobState=[A-Z_]*' || true)
[ "$state" = JobState=COMPLETED ] || { echo "merge $merge: ${state:-JobState unknown}: the run is not merged" >&2; exit 1; }
echo "merge $merge completed: the run is merged and verified"
