package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAggregationPaths: BenchmarkAggregationProve's output is read with
// benchfmt and rendered one row per path; a malformed file is an error.
func TestAggregationPaths(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "some-host-2c")
	os.MkdirAll(dir, 0o755)
	out := "goos: linux\npkg: github.com/potbench/potbench/circuits/aggregate\n" +
		"BenchmarkAggregationProve/bn254-in-bn254-2 \t 1 \t 762424103161 ns/op \t 3201931 constraints \t 1600966 constraints/proof \t 704280223711 setup-ns \t 39994226991 prove-ns \t 196.0 proof-B \t 6884122624 peak-B\nPASS\n"
	os.WriteFile(filepath.Join(dir, PathFile), []byte(out), 0o644)
	paths, err := ReadAggregationPaths(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || paths[0].Host != "some-host-2c" || paths[0].Path != "bn254-in-bn254" || paths[0].Values["constraints/proof"] != 1600966 {
		t.Fatalf("%+v", paths)
	}
	var b strings.Builder
	aggregationPaths(&b, paths)
	if !strings.Contains(b.String(), "| some-host-2c | bn254-in-bn254 | 3201931 | 1600966 | 704s |") {
		t.Errorf("table:\n%s", b.String())
	}
	os.WriteFile(filepath.Join(dir, PathFile), []byte("BenchmarkX 1 notanumber ns/op\n"), 0o644)
	if _, err := ReadAggregationPaths(root); err == nil {
		t.Error("a malformed file was read")
	}
}

// TestRootOfTrust: BenchmarkCeremony's output becomes the phase-1 table and
// the per-run table.
func TestRootOfTrust(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "some-host-2c")
	os.MkdirAll(dir, 0o755)
	out := "goos: linux\npkg: github.com/potbench/potbench/trainrun\n" +
		"BenchmarkCeremony/Phase1/domain=4096-2 \t 1 \t 6571112738 ns/op \t 1711064659 contribute-ns \t 786697 contribution-B \t 2785366768 seal-ns\n" +
		"BenchmarkCeremony/Run/linreg-b32-2 \t 1 \t 1 ns/op \t 2 circuits \t 18000 constraints \t 32768 domain \t 12000000000 phase1-contribute-ns \t 60000000000 phase1-seal-ns \t 2000000000 phase2-contribute-ns \t 70000000000 phase2-seal-ns \t 80000000000 derive-ns \t 3000000000 one-party-setup-ns \t 20000000 transcript-B \t 4000000 keys-B \t 900000000 peak-B\nPASS\n"
	os.WriteFile(filepath.Join(dir, CeremonyFile), []byte(out), 0o644)
	rows, err := readBenchFiles(root, CeremonyFile)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rootOfTrust(&b, rows)
	for _, want := range []string{"## Root of trust", "| some-host-2c | 4096 | 1.71s | 2.79s | 768 KiB |", "| some-host-2c | linreg-b32 | 2 | 18000 | 32768 | 12s | 60s | 2s | 70s | 80s |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
}
