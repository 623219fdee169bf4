#!/usr/bin/env bash
# Runs every fuzz target (or those named, as "./pkg FuzzName") for a number
# of executions (default 10^6) and prints the last progress line of each:
# make fuzz [FUZZEXECS=n], or scripts/fuzz.sh n "./trainrun FuzzProof".
set -euo pipefail
cd "$(dirname "$0")/.."
execs=${1:-1000000}
shift || true
targets=(
  "./trainrun FuzzManifest" "./trainrun FuzzTerms" "./trainrun FuzzModel"
  "./trainrun FuzzVerifyingKey" "./trainrun FuzzProof" "./ceremony FuzzContribution"
  "./datasets FuzzReadCSV" "./hwprofiles FuzzParseProfile"
  "./resultset FuzzReadResultSet" "./circuits/fixedpoint FuzzDivRound"
)
if [ $# -gt 0 ]; then targets=("$@"); fi
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  log=$(mktemp)
  if ! go test "$pkg" -timeout 0 -run '^$' -fuzz "^${name}\$" -fuzztime "${execs}x" -v >"$log" 2>&1; then
    cat "$log"
    exit 1
  fi
  printf '%-30s %s\n' "$pkg $name" "$(grep -E '^fuzz: elapsed' "$log" | tail -1)"
  rm -f "$log"
done
