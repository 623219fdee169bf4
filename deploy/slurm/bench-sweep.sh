#!/usr/bin/env bash
# A benchmark sweep as a Slurm job array: task i runs the default suite under
# the i-th hardware profile; a last job runs `potbench report`. Run from the
# potbench checkout on a shared file system: deploy/slurm/bench-sweep.sh [HOST-ID]
set -euo pipefail
host=${1:-$(hostname -s)}
potbench=${POTBENCH:-potbench}
profiles=(native noavx512 noadx purego procs1 procs-half procs-all)

sweep=$(sbatch --parsable --job-name=potbench-sweep --array=0-$((${#profiles[@]} - 1)) --exclusive \
  --wrap "profiles=(${profiles[*]}); $potbench run -profile \${profiles[\$SLURM_ARRAY_TASK_ID]} -host $host -resume")
report=$(sbatch --parsable --job-name=potbench-report --dependency=afterok:"$sweep" \
  --wrap "$potbench report")
echo "submitted: sweep $sweep (array of ${#profiles[@]}), report $report"
