package bench_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/proving"
	_ "github.com/potbench/potbench/workloads"
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
		_, err := bench.New(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bench.New(%q) = %v, want an error containing %q", name, err, want)
		}
	}
}

func TestResolve(t *testing.T) {
	names, err := bench.Resolve("", "linreg/B=8,D=8,linreg-diabetes/B=16")
	if err != nil || len(names) != 2 || names[0] != "linreg/B=8,D=8" || names[1] != "linreg-diabetes/B=16" {
		t.Fatalf("bench.Resolve = %q, %v", names, err)
	}
	if _, err := bench.Resolve("nosuch", ""); err == nil || !strings.Contains(err.Error(), `unknown suite "nosuch"`) {
		t.Errorf("unknown suite: %v", err)
	}
	for _, s := range bench.SuiteNames() {
		if _, err := bench.Resolve(s, ""); err != nil {
			t.Errorf("suite %s: %v", s, err)
		}
	}
}

func TestRunWithKeyCache(t *testing.T) {
	var warnings []string
	keys := &proving.KeyCache{Dir: t.TempDir(), Warn: func(f string, a ...any) { warnings = append(warnings, f) }}
	w, err := bench.New("linreg/B=4,D=4")
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	first, err := bench.Run(w, bench.Options{Keys: keys, OnStage: func(s string) { stages = append(stages, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stages, ",") != strings.Join(bench.Stages, ",") {
		t.Errorf("stages ran %v, want %v", stages, bench.Stages)
	}
	if first.SetupCached || first.Constraints == 0 || first.ProveNs == 0 || first.PlainNs <= 0 || first.ProofBytes == 0 {
		t.Errorf("first run: %+v", first)
	}
	second, err := bench.Run(w, bench.Options{Keys: keys})
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
	third, err := bench.Run(w, bench.Options{Keys: keys})
	if err != nil {
		t.Fatalf("run after corrupting the cache: %v", err)
	}
	if third.SetupCached || len(warnings) != 1 || !strings.Contains(warnings[0], "discarding cached key") {
		t.Errorf("corrupt cache: cached=%v warnings=%q", third.SetupCached, warnings)
	}
}

func TestMemoryGuard(t *testing.T) {
	w, err := bench.New("linreg/B=4,D=4")
	if err != nil {
		t.Fatal(err)
	}
	_, err = bench.Prepare(w, bench.Options{MemoryLimit: 1 << 20})
	if !errors.Is(err, proving.ErrTooBig) || !strings.Contains(err.Error(), "needs about") || !strings.Contains(err.Error(), "only 1 MiB is available") {
		t.Errorf("bench.Prepare with 1 MiB: %v", err)
	}
	if _, err := bench.Prepare(w, bench.Options{MemoryLimit: 1 << 40}); err != nil {
		t.Errorf("bench.Prepare with 1 TiB: %v", err)
	}
}
