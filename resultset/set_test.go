package resultset_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/resultset"
)

// benchName names linreg results as bench.BenchName does.
func benchName(w string) string {
	fam, size, _ := strings.Cut(w, "/")
	if fam == "linreg" {
		fam = "LinReg"
	}
	return fam + "/" + strings.ReplaceAll(size, ",", "/")
}

func TestResultSetFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "host")
	set := &resultset.ResultSet{Host: hwprofiles.Detect(), Profile: "native"}
	set.Merge(resultset.Result{Workload: "linreg/B=16,D=16", Curve: "bn254", Backend: "groth16", Constraints: 10, Elements: 256, ProveNs: 5e6, PlainNs: 100},
		resultset.Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "groth16", Constraints: 5, Elements: 64, ProveNs: 1e6, PlainNs: 10, SetupCached: true})
	set.Merge(resultset.Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "groth16", Constraints: 6, Elements: 64, ProveNs: 2e6, PlainNs: 10})
	if len(set.Results) != 2 || set.Results[0].Workload != "linreg/B=8,D=8" || set.Results[0].Constraints != 6 {
		t.Fatalf("merge: %+v", set.Results)
	}
	files, err := set.Files(benchName)
	if err != nil {
		t.Fatal(err)
	}
	if err := resultset.WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	back, err := resultset.Read(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Results) != 2 || !reflect.DeepEqual(back.Results[1], set.Results[1]) {
		t.Errorf("round trip: %+v", back.Results)
	}

	data, err := os.ReadFile(filepath.Join(dir, "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(bytes.NewReader(data), "bench.txt")
	var names []string
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.Result:
			names = append(names, rec.Name.String())
			if v, ok := rec.Value("overhead-x"); !ok || v <= 0 {
				t.Errorf("%s: overhead-x = %v, %v", rec.Name, v, ok)
			}
			if rec.GetConfig("gnark") == "" || rec.GetConfig("profile") != "native" {
				t.Errorf("%s: config lacks gnark or profile", rec.Name)
			}
		case *benchfmt.SyntaxError:
			t.Errorf("bench.txt: %v", rec)
		}
	}
	if len(names) != 2 || !strings.HasPrefix(names[0], "LinReg/B=8/D=8-") || !strings.HasPrefix(names[1], "LinReg/B=16/D=16-") {
		t.Errorf("benchmark names %q", names)
	}

	// A file that is not ours is reported, not overwritten.
	bad := filepath.Join(t.TempDir(), "results.json")
	os.WriteFile(bad, []byte(`{"nope": 1}`), 0o644)
	if _, err := resultset.Read(bad); err == nil || !strings.Contains(err.Error(), "not a potbench results file") {
		t.Errorf("resultset.Read(foreign) = %v", err)
	}
}
