GO ?= go

.PHONY: run test bench fmt vet

# The main job: the default suite on this machine, written to results/<host>/.
run:
	$(GO) run ./cmd/potbench run

# Correctness: vet, format check and every test (small circuit sizes).
test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) test ./...

# Speed: every workload size once, in benchstat's format.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./bench/...
