package bench

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/potbench/potbench/hwprofiles"
)

func TestNewErrors(t *testing.T) {
	for name, want := range map[string]string{
		"nosuch/B=1":             `unknown workload family "nosuch"`,
		"linreg":                 "has no size",
		"linreg/B=8":             "missing D",
		"linreg/B=8,D=x":         `"D=x" is not KEY=positive integer`,
		"linreg/B=8,D=0":         `"D=0" is not KEY=positive integer`,
		"linreg/B=8,D=8,E=1":     "unexpected keys",
		"linreg-diabetes/B=1000": "batch size 1000 is larger than the dataset (442 rows)",
	} {
		_, err := New(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%q) = %v, want an error containing %q", name, err, want)
		}
	}
}

func TestResolve(t *testing.T) {
	names, err := Resolve("", "linreg/B=8,D=8,linreg-diabetes/B=16")
	if err != nil || len(names) != 2 || names[0] != "linreg/B=8,D=8" || names[1] != "linreg-diabetes/B=16" {
		t.Fatalf("Resolve = %q, %v", names, err)
	}
	if _, err := Resolve("nosuch", ""); err == nil || !strings.Contains(err.Error(), `unknown suite "nosuch"`) {
		t.Errorf("unknown suite: %v", err)
	}
	for _, s := range SuiteNames() {
		if _, err := Resolve(s, ""); err != nil {
			t.Errorf("suite %s: %v", s, err)
		}
	}
}

func TestRunWithKeyCache(t *testing.T) {
	var warnings []string
	keys := &KeyCache{Dir: t.TempDir(), Warn: func(f string, a ...any) { warnings = append(warnings, f) }}
	w, err := New("linreg/B=4,D=4")
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	first, err := Run(w, Options{Keys: keys, OnStage: func(s string) { stages = append(stages, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stages, ",") != strings.Join(Stages, ",") {
		t.Errorf("stages ran %v, want %v", stages, Stages)
	}
	if first.SetupCached || first.Constraints == 0 || first.ProveNs == 0 || first.PlainNs <= 0 || first.ProofBytes == 0 {
		t.Errorf("first run: %+v", first)
	}
	second, err := Run(w, Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if !second.SetupCached {
		t.Error("second run did not use the cached keys")
	}
	// Corrupt the proving key: it must be discarded with a warning and the
	// run must still produce a verifying proof.
	pks, _ := filepath.Glob(filepath.Join(keys.Dir, "*.pk"))
	if len(pks) != 1 {
		t.Fatalf("want one cached proving key, found %v", pks)
	}
	data, _ := os.ReadFile(pks[0])
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(pks[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := Run(w, Options{Keys: keys})
	if err != nil {
		t.Fatalf("run after corrupting the cache: %v", err)
	}
	if third.SetupCached || len(warnings) != 1 || !strings.Contains(warnings[0], "discarding cached key") {
		t.Errorf("corrupt cache: cached=%v warnings=%q", third.SetupCached, warnings)
	}
}

func TestResultSetFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "host")
	set := &ResultSet{Host: hwprofiles.Detect(), Profile: "native"}
	set.Merge(Result{Workload: "linreg/B=16,D=16", Curve: "bn254", Backend: "groth16", Constraints: 10, Elements: 256, ProveNs: 5e6, PlainNs: 100},
		Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "groth16", Constraints: 5, Elements: 64, ProveNs: 1e6, PlainNs: 10, SetupCached: true})
	set.Merge(Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "groth16", Constraints: 6, Elements: 64, ProveNs: 2e6, PlainNs: 10})
	if len(set.Results) != 2 || set.Results[0].Workload != "linreg/B=8,D=8" || set.Results[0].Constraints != 6 {
		t.Fatalf("merge: %+v", set.Results)
	}
	if err := set.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResultSet(filepath.Join(dir, "results.json"))
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
	if _, err := ReadResultSet(bad); err == nil || !strings.Contains(err.Error(), "not a potbench results file") {
		t.Errorf("ReadResultSet(foreign) = %v", err)
	}
}

func TestWriteFileAtomicKeepsOldOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := WriteFileAtomic(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "f"), []byte("x")); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	got, _ := os.ReadFile(path)
	if string(got) != "old" {
		t.Errorf("file holds %q", got)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestMemoryGuard(t *testing.T) {
	w, err := New("linreg/B=4,D=4")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Prepare(w, Options{MemoryLimit: 1 << 20})
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "needs about") || !strings.Contains(err.Error(), "only 1 MiB is available") {
		t.Errorf("Prepare with 1 MiB: %v", err)
	}
	if _, err := Prepare(w, Options{MemoryLimit: 1 << 40}); err != nil {
		t.Errorf("Prepare with 1 TiB: %v", err)
	}
}

func TestFitMemoryModel(t *testing.T) {
	// peak = 20 MiB + 2 KiB per constraint, exactly.
	var rs []Result
	for _, n := range []int{1000, 5000, 20000} {
		rs = append(rs, Result{Backend: "groth16", Constraints: n, PeakProveB: 20<<20 + 2048*int64(n), PeakSetupB: 1})
	}
	m, ok := FitMemoryModel(rs, ecc.BN254, "groth16")
	if !ok || math.Abs(m.Base-20<<20) > 1 || math.Abs(m.PerConstraint-2048) > 1e-6 || m.Runs != 3 {
		t.Fatalf("fit = %+v, %v", m, ok)
	}
	if _, ok := FitMemoryModel(rs[:1], ecc.BN254, "groth16"); ok {
		t.Error("fit from a single size")
	}
	if _, ok := FitMemoryModel(rs, ecc.BN254, "plonk"); ok {
		t.Error("fit from another backend's runs")
	}
	if _, ok := FitMemoryModel(rs, ecc.BLS12_381, "groth16"); ok {
		t.Error("fit from another curve's runs")
	}
	if got, want := m.Estimate(10000), int64(memoryMargin*(20<<20+2048*10000)); got != want {
		t.Errorf("Estimate = %d, want %d", got, want)
	}
}

// Groth16 and PLONK runs of one workload must stay apart in bench.txt and in
// comparisons.
func TestBackendsKeptApart(t *testing.T) {
	dir := t.TempDir()
	set := &ResultSet{Host: hwprofiles.Detect(), Profile: "native"}
	set.Merge(Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "groth16", ProveNs: 1e8, PlainNs: 10},
		Result{Workload: "linreg/B=8,D=8", Curve: "bn254", Backend: "plonk", ProveNs: 6e8, PlainNs: 10})
	if err := set.WriteDir(dir); err != nil {
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
