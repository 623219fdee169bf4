#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, to run the project's Slurm
# recipes on a real scheduler: munged, slurmctld and slurmd from Debian's
# packages (slurm-wlm, munge), the node sized from nproc and the memory.
#
#   deploy/slurm/local-cluster.sh up       install what is missing (apt-get), write the
#                                          configuration, start the three daemons, wait for the node
#   deploy/slurm/local-cluster.sh down     stop exactly the daemons 'up' started
#   deploy/slurm/local-cluster.sh status   the daemons, then sinfo
#
# Everything 'up' writes (configuration, munge key and socket, spool, logs,
# pid files) is under $POTBENCH_SLURM_DIR (default /tmp/potbench-slurm);
# nothing under /etc is touched. The clients find the cluster through
# SLURM_CONF:   export SLURM_CONF=$POTBENCH_SLURM_DIR/slurm.conf
# The daemons run as the user who runs 'up' (root, to install packages).
set -euo pipefail

state=${POTBENCH_SLURM_DIR:-/tmp/potbench-slurm}
conf=$state/slurm.conf
node=$(hostname -s)

die() { echo "local-cluster: $*" >&2; exit 1; }

install() {
  local missing=()
  command -v slurmctld >/dev/null || missing+=(slurmctld)
  command -v slurmd >/dev/null || missing+=(slurmd)
  command -v sbatch >/dev/null || missing+=(slurm-client)
  command -v munged >/dev/null || missing+=(munge)
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; install them (apt-get install slurm-wlm munge) or run as root"
  echo "local-cluster: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

configure() {
  local cpus mem
  cpus=$(nproc)
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo) # MiB, a tenth kept for the system
  mkdir -p "$state"/{munge,ctld,d,log}
  chmod 700 "$state" "$state/munge"
  if [ ! -f "$state/munge/munge.key" ]; then
    dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$state/munge/munge.key"
  fi
  cat >"$conf.tmp" <<EOF
# written by deploy/slurm/local-cluster.sh: a one-node cluster on $node
ClusterName=potbench
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=${POTBENCH_SLURMCTLD_PORT:-6817}
SlurmdPort=${POTBENCH_SLURMD_PORT:-6818}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=potbench Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
  echo "local-cluster: $node, $cpus CPUs, $mem MiB; configuration $conf"
}

up() {
  install
  if running "$state/slurmctld.pid" || running "$state/slurmd.pid" || running "$state/munged.pid"; then
    die "already up (pid files in $state); run down first"
  fi
  configure
  local start=$SECONDS
  munged --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket" \
    --pid-file="$state/munged.pid" --log-file="$state/log/munged.log" --seed-file="$state/munge/munge.seed" --force
  export SLURM_CONF=$conf
  slurmctld -f "$conf"
  slurmd -f "$conf"
  for _ in $(seq 1 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qx 'idle'; then
      echo "local-cluster: up in $((SECONDS - start))s; export SLURM_CONF=$conf"
      return
    fi
    sleep 1
  done
  sinfo -N -l || true
  tail -n 20 "$state/log/slurmctld.log" "$state/log/slurmd.log" >&2 || true
  die "the node did not come up within a minute (logs in $state/log)"
}

down() {
  local stopped=0
  for d in slurmd slurmctld munged; do # the reverse of up
    if running "$state/$d.pid"; then
      kill "$(cat "$state/$d.pid")"
      for _ in $(seq 1 20); do running "$state/$d.pid" || break; sleep 0.5; done
      stopped=$((stopped + 1))
    fi
    rm -f "$state/$d.pid"
  done
  echo "local-cluster: stopped $stopped daemon(s)"
}

status() {
  for d in munged slurmctld slurmd; do
    if running "$state/$d.pid"; then echo "$d: running (pid $(cat "$state/$d.pid"))"; else echo "$d: not running"; fi
  done
  [ -f "$conf" ] && SLURM_CONF=$conf sinfo -N -l 2>/dev/null || true
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
*) die "usage: $0 up|down|status" ;;
esac
