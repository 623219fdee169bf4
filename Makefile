GO ?= go

.PHONY: run test bench bench-binaries aggregation-paths fhe-chain ceremony-cost fuzz slurm-test

# The main job: the default suite on this machine, written to results/<host>/.
run:
	$(GO) run ./cmd/potbench run

# Correctness: vet, format check and every test (small circuit sizes).
test:
	@test -d tools/solc/node_modules || echo "note: solc-js is not installed, so the on-chain tests (a real Solidity compiler and EVM) will be skipped: npm ci --prefix tools/solc"
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) test -timeout 30m ./...

# Speed: every workload size once, in benchstat's format.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./bench/...

# The aggregation curve paths set up, proven and verified (the BN254 path:
# about 15 minutes and 7 GB on 2 cores), for REPORT.md:
#   make aggregation-paths HOST=<results/ host directory>
aggregation-paths:
	@test -n "$(HOST)" || { echo "name the host: make aggregation-paths HOST=<dir under results/>"; exit 2; }
	@mkdir -p results/$(HOST)
	$(GO) test ./circuits/aggregate -run '^$$' -bench 'AggregationProve' -benchtime 1x -timeout 60m -args -aggregate.prove > results/$(HOST)/aggregation-paths.txt.tmp
	mv results/$(HOST)/aggregation-paths.txt.tmp results/$(HOST)/aggregation-paths.txt

# Encrypted logistic-regression steps in a row with bootstrapping (logN=16
# keys: about 3 minutes and most of 24 GB), for REPORT.md:
#   make fhe-chain HOST=<results/ host directory>
fhe-chain:
	@test -n "$(HOST)" || { echo "name the host: make fhe-chain HOST=<dir under results/>"; exit 2; }
	@mkdir -p results/$(HOST)
	$(GO) test ./fhe -run '^$$' -bench 'ChainBootstrap' -benchtime 1x -timeout 40m -args -fhe.bootstrap > results/$(HOST)/fhe-chain.txt.tmp
	mv results/$(HOST)/fhe-chain.txt.tmp results/$(HOST)/fhe-chain.txt

# The root of trust's cost (REPORT "Root of trust"): phase 1 by domain up to
# 2^CEREMONYMAXLOG, and the ceremony of each published run shape beside its
# one-party setup (about an hour on 2 cores at 2^18):
#   make ceremony-cost HOST=<results/ host directory>
CEREMONYMAXLOG ?= 18
ceremony-cost:
	@test -n "$(HOST)" || { echo "name the host: make ceremony-cost HOST=<dir under results/>"; exit 2; }
	@mkdir -p results/$(HOST)
	$(GO) test ./trainrun -run '^$$' -bench 'Ceremony' -benchtime 1x -timeout 180m -args -ceremony.cost -ceremony.maxlog $(CEREMONYMAXLOG) > results/$(HOST)/ceremony.txt.tmp
	mv results/$(HOST)/ceremony.txt.tmp results/$(HOST)/ceremony.txt

# Every fuzz target (the buyer's file readers, CSV, profiles, result sets,
# fixed-point division) for FUZZEXECS executions each (default 10^6).
FUZZEXECS ?= 1000000
fuzz:
	scripts/fuzz.sh $(FUZZEXECS)

# Binaries for a machine without Go: one potbench and one benchmark binary per
# build-tag set, and a script that runs every profile with them.
TAGSETS = none noavx noadx purego
bench-binaries:
	@mkdir -p dist
	@for t in $(TAGSETS); do \
	  tags=$$t; [ $$t = none ] && tags=""; \
	  echo "building dist/potbench-$$t and dist/bench-$$t.test"; \
	  CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -tags "$$tags" -o dist/potbench-$$t ./cmd/potbench || exit 1; \
	  CGO_ENABLED=0 $(GO) test -c -trimpath -ldflags "-s -w" -tags "$$tags" -o dist/bench-$$t.test ./bench || exit 1; \
	done
	cp scripts/run-profiles.sh dist/
	@echo "copy dist/ to the target machine and run: dist/run-profiles.sh [results-dir]"

# The Slurm recipe on a real one-node cluster started here (Debian's
# slurm-wlm and munge, installed if missing: needs root), then stopped.
slurm-test:
	deploy/slurm/local-cluster.sh down >/dev/null
	deploy/slurm/local-cluster.sh up
	SLURM_CONF=$${POTBENCH_SLURM_DIR:-/tmp/potbench-slurm}/slurm.conf POTBENCH_SLURM=1 $(GO) test -count=1 -run 'TestSlurmCluster' -v ./deploy; \
	rc=$$?; deploy/slurm/local-cluster.sh down; exit $$rc
