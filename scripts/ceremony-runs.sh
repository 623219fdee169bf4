#!/usr/bin/env bash
# Makes proven runs under ceremony keys, as a seller and buyer would: for each
# run, a ceremony over its circuits with two contributors per phase (each a
# process of its own), each phase sealed with a beacon, then `potbench train
# -keys` and the buyer's `potbench verify -ceremony`. Run summaries land in
# results/<host>/runs/ (train -results results), transcripts in $CEREMONIES/<run>/.
#
#   scripts/ceremony-runs.sh [RUN ...]     RUN: MODEL-bB[-kK][-eE][-fold][-rN], as the run directories are
#                                          named: linreg-b32, logreg-b32-k1-e3, linreg-b11-k2,
#                                          logreg-b32-kepoch-e1-r2, logreg-b32-krun-e3-fold-r2, ...
#                                          (K: steps per proof, epoch or run; -fold: the score in the last
#                                          proof; -rN: circuit revision N, 1 without it)
# Each run is then published (potbench publish: the run directory without
# proving keys, the ceremony's record beside, in results/<host>/runs/<run>/)
# and settled through the escrow contract (potbench settle).
#
# Beacons: set BEACON1 and BEACON2 to public random values fixed after the
# last contribution of each phase (a drand round, a block hash). Without
# them each is the SHA-256 of the transcript's record at sealing time:
# reproducible from the transcript but not unpredictable, which is enough
# only when one party ran every contribution, as in the published runs.
set -euo pipefail

potbench=${POTBENCH:-potbench}
ceremonies=${CEREMONIES:-ceremonies}
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(linreg-b32 logreg-b32 softmax-b32 mlp-b32)

shape_of() { # logreg-b32-kepoch-e1-r2 -> name and the flags of init and train
	local part rest
	IFS=- read -r model rest <<<"$1"
	batch=32 chain=1 epochs=1 fold="" revision=1
	IFS=- read -ra parts <<<"$rest"
	for part in "${parts[@]}"; do
		case $part in
		b*) batch=${part#b} ;;
		k*) chain=${part#k} ;;
		e*) epochs=${part#e} ;;
		fold) fold=-fold ;;
		r*) revision=${part#r} ;;
		*) echo "run $1: unknown part $part (want MODEL-bB[-kK][-eE][-fold][-rN])" >&2; exit 2 ;;
		esac
	done
	name=$model-b$batch-k$chain-e$epochs$fold
	[ "$revision" = 1 ] || name=$name-r$revision
	flags="-model $model -batch $batch -chain $chain -epochs $epochs -circuit-revision $revision"
	[ -z "$fold" ] || flags="$flags -fold-score"
}

beacon() { # $1: the phase's beacon from the environment, if set
	if [ -n "$1" ]; then echo "$1"; else sha256sum "$2/ceremony.json" | cut -d' ' -f1; fi
}

timed() { # runs a command, then prints its wall time
	local start=$SECONDS
	"$@"
	echo "-- $((SECONDS - start)) s: ${*:1:3}"
}

for run in "${runs[@]}"; do
	shape_of "$run"
	dir=$ceremonies/$name
	echo "== $name: $flags (ceremony in $dir)"
	rm -rf "$dir"
	# shellcheck disable=SC2086
	timed $potbench ceremony init $flags "$dir"
	for who in contributor-1 contributor-2; do timed $potbench ceremony contribute -name "$who" "$dir"; done
	timed $potbench ceremony verify -beacon "$(beacon "${BEACON1:-}" "$dir")" "$dir"
	for who in contributor-1 contributor-2; do timed $potbench ceremony contribute -name "$who" "$dir"; done
	timed $potbench ceremony verify -beacon "$(beacon "${BEACON2:-}" "$dir")" "$dir"
	out=runs/$name
	rm -rf "$out"
	# shellcheck disable=SC2086
	timed $potbench train $flags -keys "$dir" -out "$out" -results results
	timed $potbench verify -ceremony "$dir" "$out"
	# the public part for anyone to verify: results/<host>/runs/<run>/ (no proving keys)
	$potbench publish -ceremony "$dir" "$out"
	echo "transcript $(du -sh --exclude=keys "$dir" | cut -f1) in $dir, not published"
	# paid through the escrow contract (needs solc-js: npm ci --prefix tools/solc)
	$potbench settle -ceremony "$dir" "$out" -results results || echo "not settled (see above)"
done
