package bench_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/internal/atomicfile"
)

var update = flag.Bool("update", false, "rewrite testdata/constraints.csv with the current counts")

// TestConstraintCounts compares every tracked circuit's constraint count with
// testdata/constraints.csv: a circuit that grows fails; one that shrinks asks
// for the file to be regenerated (go test ./bench -run TestConstraintCounts -update).
func TestConstraintCounts(t *testing.T) {
	got, err := bench.CountConstraints(bench.TrackedWorkloads())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "constraints.csv")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.Write(path, bench.WriteConstraintCounts(got)); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with -update)", err)
	}
	want, err := bench.ReadConstraintCounts(bytes.NewReader(data), path)
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]bench.ConstraintCount{}
	for _, s := range want {
		idx[s.Workload+"|"+s.Curve+"|"+s.Backend] = s
	}
	for _, g := range got {
		w, ok := idx[g.Workload+"|"+g.Curve+"|"+g.Backend]
		switch {
		case !ok:
			t.Errorf("%s %s %s: %d constraints, not tracked in %s (run with -update)", g.Workload, g.Curve, g.Backend, g.Constraints, path)
		case g.Constraints > w.Constraints:
			t.Errorf("%s %s %s: %d constraints, up from %d", g.Workload, g.Curve, g.Backend, g.Constraints, w.Constraints)
		case g.Constraints < w.Constraints:
			t.Errorf("%s %s %s: %d constraints, down from %d: record the gain with -update", g.Workload, g.Curve, g.Backend, g.Constraints, w.Constraints)
		}
	}
}
