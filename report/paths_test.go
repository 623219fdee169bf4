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
