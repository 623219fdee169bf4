#!/usr/bin/env bash
# A proven training run sharded over a Slurm job array (potbench train):
# prepare sets up the keys, an array of SHARDS tasks proves (task i proves
# the proofs whose index is i mod SHARDS, from SLURM_ARRAY_TASK_ID), merge
# assembles manifest.json and verifies. Run from the potbench checkout on a
# shared file system:   deploy/slurm/train-run.sh [SHARDS] [potbench train flags]
set -euo pipefail
shards=${1:-8}
shift || true
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(-model mlp -epochs 1 -batch 32 -out runs/mlp-digits)
potbench=${POTBENCH:-potbench}

prep=$(sbatch --parsable --job-name=potbench-prepare --cpus-per-task=2 \
  --wrap "$potbench train ${flags[*]} -prepare")
prove=$(sbatch --parsable --job-name=potbench-prove --dependency=afterok:"$prep" \
  --array=0-$((shards - 1)) --cpus-per-task=2 \
  --wrap "$potbench train ${flags[*]} -shard $shards -resume")
merge=$(sbatch --parsable --job-name=potbench-merge --dependency=afterok:"$prove" \
  --wrap "$potbench train ${flags[*]} -merge")
echo "submitted: prepare $prep, prove $prove (array of $shards), merge $merge"
