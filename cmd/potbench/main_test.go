package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndHelp(t *testing.T) {
	if code, _, errs := run(t, "frobnicate"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errs)
	}
	if code, out, _ := run(t, "help"); code != 0 || !strings.Contains(out, "run") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	for _, c := range commands {
		code, _, errs := run(t, c.name, "-help")
		if code != 0 || !strings.Contains(errs, "Usage: potbench "+c.name) {
			t.Errorf("%s -help: exit %d, stderr %q", c.name, code, errs)
		}
	}
	if code, _, errs := run(t, "compare", "onlyone"); code != 2 || !strings.Contains(errs, "needs two result sets") {
		t.Errorf("compare with one argument: exit %d, stderr %q", code, errs)
	}
	if code, out, _ := run(t, "profiles"); code != 0 || !strings.Contains(out, "purego") || !strings.Contains(out, "cpu-features:") {
		t.Errorf("profiles: exit %d, %q", code, out)
	}
	if code, _, errs := run(t, "run", "-nosuchflag"); code != 2 || !strings.Contains(errs, "nosuchflag") {
		t.Errorf("bad flag: exit %d, stderr %q", code, errs)
	}
}

func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "-out", dir, "-workloads", "nosuch/B=1"}, `unknown workload family "nosuch"`},
		{[]string{"run", "-out", dir, "-suite", "nosuch"}, `unknown suite "nosuch"`},
		{[]string{"run", "-out", dir, "-workloads", "linreg-diabetes/B=5000"}, "larger than the dataset"},
		{[]string{"run", "-out", dir, "-profile", "turbo"}, `unknown profile "turbo"`},
		{[]string{"run", "-out", dir, "-count", "0"}, "need at least one proof"},
		{[]string{"compare", dir, dir}, "bench.txt: no such file"},
	} {
		code, _, errs := run(t, tc.args...)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 1 and %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestRunWritesResults(t *testing.T) {
	t.Setenv("POTBENCH_KEY_CACHE", t.TempDir())
	out := t.TempDir()
	code, stdout, errs := run(t, "run", "-out", out, "-host", "testhost", "-workloads", "linreg/B=4,D=4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "| linreg/B=4,D=4 | bn254/groth16 |") {
		t.Errorf("table missing from stdout:\n%s", stdout)
	}
	for _, f := range []string{"results.json", "results.csv", "results.md", "bench.txt"} {
		if _, err := os.Stat(filepath.Join(out, "testhost", "native", f)); err != nil {
			t.Error(err)
		}
	}

	if _, err := os.Stat(filepath.Join(out, "testhost", "README.md")); err != nil {
		t.Errorf("host report missing: %v", err)
	}

	// The same run under a GOMAXPROCS profile lands beside it.
	if code, _, errs := run(t, "run", "-out", out, "-host", "testhost", "-profile", "procs1", "-workloads", "linreg/B=4,D=4", "-count", "2"); code != 0 {
		t.Fatalf("procs1: exit %d: %s", code, errs)
	}
	report, _ := os.ReadFile(filepath.Join(out, "testhost", "README.md"))
	if !strings.Contains(string(report), "## Scaling with cores") || !strings.Contains(string(report), "(n=2)") {
		t.Errorf("host report:\n%s", report)
	}
	code, stdout, errs = run(t, "compare", filepath.Join(out, "testhost", "procs1"), filepath.Join(out, "testhost", "native"))
	if code != 0 || !strings.Contains(stdout, "LinReg/B=4/D=4") || !strings.Contains(stdout, "n=2+1") || strings.Contains(stdout, "| 0ns") {
		t.Errorf("compare: exit %d, stdout %q, stderr %q", code, stdout, errs)
	}

	// A results directory that cannot be written is an error, exit 1.
	blocked := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocked, nil, 0o644)
	code, _, errs = run(t, "run", "-out", blocked, "-host", "h", "-workloads", "linreg/B=4,D=4")
	if code != 1 || !strings.Contains(errs, "cannot create results directory") {
		t.Errorf("unwritable results: exit %d, stderr %q", code, errs)
	}
}
