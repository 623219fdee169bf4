package report

import (
	"testing"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/resultset"
)

// Groth16 and PLONK runs of one workload must stay apart in bench.txt and in
// comparisons.
func TestBackendsKeptApart(t *testing.T) {
	dir := t.TempDir()
	set := &resultset.ResultSet{Host: hwprofiles.Detect(), Profile: "native"}
	set.Merge(resultset.Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "groth16", ProveNs: 1e8, PlainNs: 10},
		resultset.Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "plonk", ProveNs: 6e8, PlainNs: 10})
	if err := WriteSet(dir, set, func(w string) string { return w }); err != nil {
		t.Fatal(err)
	}
	rows, err := Compare(dir, dir, "prove-ns")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].A.Center == rows[1].A.Center {
		t.Fatalf("groth16 and plonk pooled: %+v", rows)
	}
	for _, r := range rows {
		if r.A.Center != 1e8 && r.A.Center != 6e8 {
			t.Errorf("%s: %g", r.Name, r.A.Center)
		}
	}
}
