#!/bin/sh
# Runs the default suite under every hardware profile with the binaries that
# 'make bench-binaries' put beside this script; needs no Go toolchain.
# Usage: run-profiles.sh [results-dir] [extra potbench run flags...]
# Results go to <results-dir>/<host>/<profile>/ with a comparison in
# <results-dir>/<host>/README.md; copy that host directory into results/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-results}
[ $# -gt 0 ] && shift
run() { # binary-tagset profile [flags]
  echo "== profile $2" >&2
  b=$1 p=$2; shift 2
  "$here/potbench-$b" run -profile "$p" -out "$out" -no-key-cache "$@"
}
for p in native procs1 procs-half procs-all; do run none $p "$@"; done
run noavx noavx512 "$@"
run noadx noadx "$@"
run purego purego "$@"
