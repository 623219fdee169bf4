package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/resultset"
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
		// one default per flag, and the one the command uses
		twice := slices.ContainsFunc(strings.Split(errs, "\n"), func(l string) bool { return strings.Count(l, "(default") > 1 })
		if twice || strings.Contains(errs, "MODEL-DATASET") {
			t.Errorf("%s -help states a default twice or one it does not use:\n%s", c.name, errs)
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
		{[]string{"run", "-out", dir, "-curves", "bn254,secp256k1"}, `unknown curve "secp256k1" (supported: bn254, bls12_381, bls12_377)`},
		{[]string{"compare", dir, dir}, "bench.txt: no such file"},
		{[]string{"run", "-out", dir, "-workloads", "fhe-linreg/B=128,D=64"}, "slots"},
		{[]string{"settle", dir}, "manifest.json"},
		{[]string{"sell", dir}, "manifest.json"},
		{[]string{"sell", "-blob", dir}, "manifest.json"},
		{[]string{"sell", "-min-correct", "-1", dir}, "must not be negative"},
		{[]string{"settle", "-max-loss-sum", "x", dir}, "want a positive integer"},
		{[]string{"verify", "-aggregate", dir}, "manifest.json"},
		{[]string{"train", "-model", "linreg", "-aggregate", "-out", dir}, "-aggregate: the step proofs are on bn254"},
		{[]string{"report", "-results", dir, "-gas-price-gwei", "-1"}, "must be positive"},
		{[]string{"train", "-model", "nosuch", "-out", dir}, `-model "nosuch": not a model potbench trains (linreg, logreg, softmax, mlp)`},
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

	// BLS12-381 beside BN254: both kept, neither replaces the other.
	code, stdout, errs = run(t, "run", "-out", out, "-host", "testhost", "-workloads", "linreg/B=4,D=4", "-curves", "bls12-381")
	if code != 0 || !strings.Contains(stdout, "| linreg/B=4,D=4 | bls12_381/groth16 |") {
		t.Fatalf("bls12-381: exit %d, stderr %s, stdout:\n%s", code, errs, stdout)
	}
	md, _ := os.ReadFile(filepath.Join(out, "testhost", "native", "results.md"))
	if !strings.Contains(string(md), "bn254/groth16") || !strings.Contains(string(md), "bls12_381/groth16") {
		t.Errorf("results.md lost a curve:\n%s", md)
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

func TestRunDatasetBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var good strings.Builder
	for i := range 16 {
		fmt.Fprintf(&good, "%d,%d,%d\n", i%5, (i*7)%11, i)
	}
	var outlier strings.Builder
	outlier.WriteString(good.String())
	for range 200 {
		outlier.WriteString("0,0,0\n")
	}
	outlier.WriteString("0,1000000,0\n") // far beyond 8 standard deviations
	for _, tc := range []struct {
		name, data string
		extra      []string
		want       string
	}{
		{"ragged.csv", "1,2,3\n4,5\n", nil, "ragged.csv:2: 2 values, expected 3"},
		{"text.csv", "1,2,3\n4,five,6\n", nil, `text.csv:2: column 2: "five" is not a finite number`},
		{"nan.csv", "1,2,3\n4,NaN,6\n", nil, `nan.csv:2: column 2: "NaN" is not a finite number`},
		{"inf.csv", "1,2,3\n4,5,-Inf\n", nil, `inf.csv:2: column 3: "-Inf" is not a finite number`},
		{"empty.csv", "", nil, "empty.csv: no data rows"},
		{"header.csv", "a,b,y\n", []string{"-dataset-skip", "1"}, "header.csv: no data rows (expected numeric rows after 1 header line(s))"},
		{"onecol.csv", "1\n2\n", nil, "onecol.csv:1: 1 column, expected at least one feature and a target"},
		{"outlier.csv", outlier.String(), nil, "outlier.csv:217: column 2"},
		{"small.csv", good.String(), []string{"-workloads", "linreg-file/B=64"}, "batch size 64 is larger than the dataset (16 rows)"},
	} {
		args := append([]string{"run", "-out", dir, "-host", "h", "-workloads", "linreg-file/B=4", "-dataset", write(tc.name, tc.data)}, tc.extra...)
		code, _, errs := run(t, args...)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.name, code, errs, tc.want)
		}
	}
	if code, _, errs := run(t, "run", "-out", dir, "-workloads", "linreg-file/B=4"); code != 1 || !strings.Contains(errs, "name the CSV with -dataset FILE") {
		t.Errorf("linreg-file without -dataset: exit %d, stderr %q", code, errs)
	}
	// The outlier is accepted with -clip, and a good file runs.
	t.Setenv("POTBENCH_KEY_CACHE", t.TempDir())
	if code, _, errs := run(t, "run", "-out", dir, "-host", "h", "-workloads", "linreg-file/B=8", "-clip", "-dataset", filepath.Join(dir, "outlier.csv")); code != 0 {
		t.Errorf("-clip: exit %d, stderr %q", code, errs)
	}
}

func TestRunInterruptedAndResumed(t *testing.T) {
	t.Setenv("POTBENCH_KEY_CACHE", t.TempDir())
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stageHook = func(label, stage string) {
		if strings.Contains(label, "B=5,D=5") && stage == "prove" {
			cancel() // as SIGINT would, while the second workload proves
		}
	}
	defer func() { stageHook = nil }()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, []string{"run", "-out", out, "-host", "h", "-workloads", "linreg/B=4,D=4,linreg/B=5,D=5,linreg/B=6,D=6"}, &stdout, &stderr)
	if code != 130 || !strings.Contains(stderr.String(), "interrupted during native linreg/B=5,D=5") {
		t.Fatalf("exit %d, stderr %q; want 130 and the interrupted workload named", code, stderr.String())
	}
	set, err := resultset.Read(filepath.Join(out, "h", "native", "results.json"))
	if err != nil {
		t.Fatalf("results after interruption: %v", err)
	}
	if len(set.Results) != 1 || set.Results[0].Workload != "linreg/B=4,D=4" {
		t.Fatalf("results after interruption: %+v", set.Results)
	}
	if tmp, _ := filepath.Glob(filepath.Join(out, "h", "native", ".*tmp*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	stageHook = nil
	code, stdoutS, errs := run(t, "run", "-out", out, "-host", "h", "-resume", "-v", "-workloads", "linreg/B=4,D=4,linreg/B=5,D=5,linreg/B=6,D=6")
	if code != 0 || !strings.Contains(errs, "linreg/B=4,D=4 groth16: already in the results, skipped (-resume)") {
		t.Fatalf("resume: exit %d, stderr %q", code, errs)
	}
	if strings.Contains(stdoutS, "| linreg/B=4,D=4 |") || !strings.Contains(stdoutS, "| linreg/B=6,D=6 |") {
		t.Errorf("resume re-ran finished work or skipped missing work:\n%s", stdoutS)
	}
	set, _ = resultset.Read(filepath.Join(out, "h", "native", "results.json"))
	if len(set.Results) != 3 {
		t.Errorf("after resume: %d results, want 3", len(set.Results))
	}
}

// TestForwardedFlags: a child run for another profile gets every flag that
// was set. The flags used to be gathered in a map keyed by whether each was
// on, so with -no-key-cache -resume only one of them reached the child.
func TestForwardedFlags(t *testing.T) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	for _, b := range []string{"no-key-cache", "resume", "skip-memory-check", "clip", "v"} {
		fs.Bool(b, false, "")
	}
	fs.String("suite", "default", "")
	fs.String("profiles", "", "")
	fs.String("workloads", "", "")
	fs.String("backends", "groth16", "")
	fs.String("dataset", "", "")
	fs.Int("count", 1, "")
	if err := fs.Parse([]string{"-no-key-cache", "-resume", "-skip-memory-check", "-clip", "-v", "-suite", "full",
		"-profiles", "all", "-count", "3", "-dataset", "rel.csv"}); err != nil {
		t.Fatal(err)
	}
	got := forwardedFlags(fs, []string{"suite", "profiles"}, map[string]string{"workloads": "linreg/B=4,D=4", "dataset": "/abs/rel.csv", "cpuprofile": ""})
	want := []string{"-clip=true", "-count=3", "-no-key-cache=true", "-resume=true", "-skip-memory-check=true", "-v=true",
		"-dataset=/abs/rel.csv", "-workloads=linreg/B=4,D=4"}
	if !slices.Equal(got, want) {
		t.Errorf("forwarded %q\nwant      %q", got, want)
	}
}

// TestMain lets a test run this binary as potbench itself in a child
// process (POTBENCH_AS_CLI=1), to test what separate processes do.
func TestMain(m *testing.M) {
	if os.Getenv("POTBENCH_AS_CLI") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM) // as main does
		code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// cli runs potbench in a child process.
func cli(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "POTBENCH_AS_CLI=1"), env...)
	return cmd
}

// TestTrainShardedInProcesses: a run prepared once, proven by three separate
// processes at the same time (each taking its index from the scheduler's
// variable), then merged, verifies; so does the unsharded run, end to end
// through the CLI, and verify fails with exit 1 on a tampered copy.
func TestTrainShardedInProcesses(t *testing.T) {
	dir, results := filepath.Join(t.TempDir(), "run"), t.TempDir()
	flags := []string{"train", "-model", "linreg", "-batch", "64", "-out", dir, "-results", results, "-host", "h"}
	if out, err := cli(nil, append(flags, "-prepare")...).CombinedOutput(); err != nil {
		t.Fatalf("prepare: %v\n%s", err, out)
	}
	var procs []*exec.Cmd
	var outs []*bytes.Buffer
	for i, env := range []string{"JOB_COMPLETION_INDEX=0", "SLURM_ARRAY_TASK_ID=1", "JOB_COMPLETION_INDEX=2"} {
		c := cli([]string{env}, append(flags, "-shard", "3")...)
		var b bytes.Buffer
		c.Stdout, c.Stderr = &b, &b
		if err := c.Start(); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		procs, outs = append(procs, c), append(outs, &b)
	}
	for i, c := range procs {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, outs[i])
		}
	}
	code, out, errs := run(t, append(flags, "-merge")...)
	if code != 0 || !strings.Contains(out, "5 steps in 6 proofs") {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(results, "h", "runs", "run.json")); err != nil {
		t.Errorf("run figures: %v", err)
	}
	if code, _, errs := run(t, "verify", dir); code != 1 || !strings.Contains(errs, "pass -ceremony DIR to derive them from a ceremony transcript, or -trust-keys") {
		t.Errorf("verify without -ceremony or -trust-keys: exit %d, %q", code, errs)
	}
	code, out, errs = run(t, "verify", "-trust-keys", dir)
	if code != 0 || !strings.Contains(out, "KEYS TRUSTED, NOT DERIVED") || !strings.HasPrefix(out, "OK: 6 proofs (groth16, bn254) bind every line below") || !strings.Contains(out, "held-out score  mean squared error") ||
		!strings.Contains(out, "not proven (read from the prover's files)") {
		t.Errorf("verify: exit %d\n%s%s", code, out, errs)
	}
	// the terms it printed, held against the run, then a buyer's own
	_, termsJSON, ok := strings.Cut(out, "pass -terms to hold a run to your own):\n")
	if !ok {
		t.Fatalf("verify printed no terms:\n%s", out)
	}
	terms := filepath.Join(t.TempDir(), "terms.json")
	os.WriteFile(terms, []byte(termsJSON), 0o644)
	if code, out, errs := run(t, "verify", "-trust-keys", "-terms", terms, dir); code != 0 || strings.Contains(out, "terms verified") {
		t.Errorf("verify -terms with the run's own terms: exit %d\n%s%s", code, out, errs)
	}
	os.WriteFile(terms, bytes.Replace(bytes.Replace([]byte(termsJSON), []byte(`"lr": 0.05`), []byte(`"lr": 0.1`), 1), []byte(`"lr_fixed": 3277`), []byte(`"lr_fixed": 6554`), 1), 0o644)
	if code, _, errs := run(t, "verify", "-trust-keys", "-terms", terms, dir); code != 1 || !strings.Contains(errs, "FAIL: proof 0") || !strings.Contains(errs, "learning rate: proof 3277, terms 0.1 (fixed 6554)") {
		t.Errorf("verify -terms at another rate: exit %d, %q", code, errs)
	}
	// a hostile verifying key: its public-key length set to 0x7ffffff0, the
	// manifest's hash updated to match
	hostile := t.TempDir()
	if err := os.CopyFS(hostile, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	vkPath := filepath.Join(hostile, "vk", "step.vk")
	vk, _ := os.ReadFile(vkPath)
	binary.BigEndian.PutUint32(vk[0x120:], 0x7ffffff0)
	os.WriteFile(vkPath, vk, 0o644)
	manifest, _ := os.ReadFile(filepath.Join(hostile, "manifest.json"))
	oldVK, _ := os.ReadFile(filepath.Join(dir, "vk", "step.vk"))
	sumOld, sumNew := sha256.Sum256(oldVK), sha256.Sum256(vk)
	manifest = bytes.Replace(manifest, []byte(hex.EncodeToString(sumOld[:])), []byte(hex.EncodeToString(sumNew[:])), 1)
	os.WriteFile(filepath.Join(hostile, "manifest.json"), manifest, 0o644)
	if code, _, errs := run(t, "verify", "-trust-keys", hostile); code != 1 || !strings.Contains(errs, "vk/step.vk: not a Groth16 verifying key: public-input key at byte 288") {
		t.Errorf("verify of a hostile key: exit %d, %q", code, errs)
	}
	// a changed learning rate in the manifest
	data, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	os.WriteFile(filepath.Join(dir, "manifest.json"), bytes.Replace(data, []byte(`"lr_fixed": 3277`), []byte(`"lr_fixed": 0`), 1), 0o644)
	code, _, errs = run(t, "verify", "-trust-keys", dir)
	if code != 1 || !strings.Contains(errs, "FAIL: manifest: learning rate: fixed point 0; must be positive") {
		t.Errorf("verify of a tampered run: exit %d, %q", code, errs)
	}
	for _, bad := range [][]string{{"train", "-epochs", "0", "-out", t.TempDir()}, {"train", "-shard", "3", "-out", t.TempDir()}, {"train", "-shard", "4/3"}} {
		if code, _, errs := run(t, bad...); code != 1 || errs == "" {
			t.Errorf("%v: exit %d, %q", bad, code, errs)
		}
	}
}

// TestCeremonyInProcesses: a three-party ceremony, each contribution made
// by a separate process, sealed with two beacons; a tiny run proven under
// its keys verifies with -ceremony (the keys derived again from the
// transcript and the circuits the terms give); the same run with one key
// replaced by a valid key of another circuit with as many public inputs is
// refused, and so is the ceremony checked against another run's terms.
func TestCeremonyInProcesses(t *testing.T) {
	tmp := t.TempDir()
	csv := smallCSV(t, filepath.Join(tmp, "small.csv"), 24, 0)
	cer := filepath.Join(tmp, "ceremony")
	shape := []string{"-model", "linreg", "-dataset", csv, "-dataset-skip", "1", "-batch", "4"}
	if code, out, errs := run(t, append(append([]string{"ceremony", "init"}, shape...), cer)...); code != 0 {
		t.Fatalf("init: %d\n%s%s", code, out, errs)
	}
	contribute := func() {
		for _, who := range []string{"buyer", "seller", "auditor"} {
			if out, err := cli(nil, "ceremony", "contribute", "-name", who, cer).CombinedOutput(); err != nil || !strings.Contains(string(out), "sha256") {
				t.Fatalf("%s contributes: %v\n%s", who, err, out)
			}
		}
	}
	contribute()
	if code, out, errs := run(t, "ceremony", "verify", "-beacon", "01", cer); code != 0 || !strings.Contains(out, "phase 1 verified (3 contributions)") {
		t.Fatalf("seal phase 1: %d\n%s%s", code, out, errs)
	}
	contribute()
	if code, out, errs := run(t, "ceremony", "verify", "-beacon", "02", cer); code != 0 || !strings.Contains(out, "phase 2 verified (3 contributions per circuit)") {
		t.Fatalf("seal phase 2: %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run(t, "ceremony", "contribute", cer); code != 1 || !strings.Contains(errs, "sealed") {
		t.Errorf("a contribution after the seal: %d %q", code, errs)
	}

	runDir := filepath.Join(tmp, "run")
	if code, out, errs := run(t, append(append([]string{"train"}, shape...), "-keys", cer, "-out", runDir, "-results", tmp, "-host", "h")...); code != 0 {
		t.Fatalf("train -keys: %d\n%s%s", code, out, errs)
	}
	code, out, errs := run(t, "verify", "-ceremony", cer, runDir)
	if code != 0 || !strings.Contains(out, "derived from the ceremony") || !strings.Contains(out, "3 phase-1 and 3 phase-2 contributions") || strings.Contains(out, "KEYS TRUSTED") {
		t.Fatalf("verify -ceremony: %d\n%s%s", code, out, errs)
	}

	// a valid key of another circuit with as many public inputs: the step
	// key of a run in batches of 3, with the manifest's hash to match
	other := filepath.Join(tmp, "other")
	if code, out, errs := run(t, "train", "-model", "linreg", "-dataset", csv, "-dataset-skip", "1", "-batch", "3", "-out", other, "-results", tmp, "-host", "h"); code != 0 {
		t.Fatalf("train: %d\n%s%s", code, out, errs)
	}
	swapped := filepath.Join(tmp, "swapped")
	os.CopyFS(swapped, os.DirFS(runDir))
	oldVK, _ := os.ReadFile(filepath.Join(runDir, "vk", "step.vk"))
	newVK, _ := os.ReadFile(filepath.Join(other, "vk", "step.vk"))
	os.WriteFile(filepath.Join(swapped, "vk", "step.vk"), newVK, 0o644)
	manifest, _ := os.ReadFile(filepath.Join(swapped, "manifest.json"))
	a, c := sha256.Sum256(oldVK), sha256.Sum256(newVK)
	os.WriteFile(filepath.Join(swapped, "manifest.json"), bytes.Replace(manifest, []byte(hex.EncodeToString(a[:])), []byte(hex.EncodeToString(c[:])), 1), 0o644)
	if code, _, errs := run(t, "verify", "-ceremony", cer, swapped); code != 1 || !strings.Contains(errs, "FAIL") {
		t.Errorf("a key of another circuit: exit %d, %q", code, errs)
	}
	// the same run under the prover's own keys (whose trapdoor it may keep)
	own := filepath.Join(tmp, "own")
	if code, out, errs := run(t, append(append([]string{"train"}, shape...), "-out", own, "-results", tmp, "-host", "h")...); code != 0 {
		t.Fatalf("train: %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run(t, "verify", "-ceremony", cer, own); code != 1 || !strings.Contains(errs, "verifying key vk/step.vk is not the key the ceremony") {
		t.Errorf("the prover's own keys: exit %d, %q", code, errs)
	}
	// the other run (batches of 3) against this ceremony (batches of 4)
	if code, _, errs := run(t, "verify", "-ceremony", cer, other); code != 1 || !strings.Contains(errs, "the transcript was made for constraint system") {
		t.Errorf("another run's circuits: exit %d, %q", code, errs)
	}
}

// TestPlonkCeremony: a PLONK run's keys come from the phase 1 of a
// ceremony (two contributors, in processes of their own, and a beacon);
// verify recomputes each PLONK verifying key from the transcript and the
// terms, equal to the run's byte for byte, and refuses the same run under
// the prover's one-party keys.
func TestPlonkCeremony(t *testing.T) {
	tmp := t.TempDir()
	csv := smallCSV(t, filepath.Join(tmp, "small.csv"), 16, 0)
	cer := filepath.Join(tmp, "ceremony")
	shape := []string{"-model", "linreg", "-dataset", csv, "-dataset-skip", "1", "-batch", "4", "-backend", "plonk"}
	if code, out, errs := run(t, append(append([]string{"ceremony", "init"}, shape...), cer)...); code != 0 || !strings.Contains(out, "plonk ceremony") {
		t.Fatalf("init: %d\n%s%s", code, out, errs)
	}
	for _, who := range []string{"buyer", "seller"} {
		if out, err := cli(nil, "ceremony", "contribute", "-name", who, cer).CombinedOutput(); err != nil {
			t.Fatalf("%s contributes: %v\n%s", who, err, out)
		}
	}
	if code, out, errs := run(t, "ceremony", "verify", "-beacon", "01", cer); code != 0 || !strings.Contains(out, "KZG reference string taken from it") {
		t.Fatalf("seal phase 1: %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run(t, "ceremony", "contribute", cer); code != 1 || !strings.Contains(errs, "sealed") {
		t.Errorf("a phase-2 contribution to a PLONK ceremony: %d %q", code, errs)
	}
	runDir := filepath.Join(tmp, "run")
	if code, out, errs := run(t, append(append([]string{"train"}, shape...), "-keys", cer, "-out", runDir, "-results", tmp, "-host", "h")...); code != 0 {
		t.Fatalf("train -keys: %d\n%s%s", code, out, errs)
	}
	code, out, errs := run(t, "verify", "-ceremony", cer, runDir)
	if code != 0 || !strings.Contains(out, "2 phase-1 contributions (PLONK") || strings.Contains(out, "KEYS TRUSTED") {
		t.Fatalf("verify -ceremony: %d\n%s%s", code, out, errs)
	}
	own := filepath.Join(tmp, "own")
	if code, out, errs := run(t, append(append([]string{"train"}, shape...), "-out", own, "-results", tmp, "-host", "h")...); code != 0 {
		t.Fatalf("train: %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run(t, "verify", "-ceremony", cer, own); code != 1 || !strings.Contains(errs, "is not the key the ceremony") {
		t.Errorf("the prover's one-party PLONK keys: exit %d, %q", code, errs)
	}
	if code, out, errs := run(t, "verify", "-trust-keys", own); code != 0 || !strings.Contains(out, "one-party setup by the prover") {
		t.Errorf("verify -trust-keys of a one-party PLONK run: %d\n%s%s", code, out, errs)
	}
}

// TestTrainInterruptedDuringSetup: SIGINT while train compiles or sets up
// its keys (an MLP run: minutes of setup) ends the process at once with exit
// code 130 and says so.
func TestTrainInterruptedDuringSetup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cmd := cli(nil, "train", "-model", "mlp", "-out", dir, "-results", t.TempDir(), "-host", "h")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
wait: // the run directory is made once the flags and the data are checked, just before the keys
	for {
		select {
		case err = <-done:
			t.Fatalf("train ended before its key setup: %v, stderr %q", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
			if _, statErr := os.Stat(filepath.Join(dir, "keys")); statErr == nil {
				break wait
			}
		}
	}
	cmd.Process.Signal(os.Interrupt)
	err = <-done
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("train interrupted during setup: %v, stderr %q; want exit 130", err, stderr.String())
	}
}

// TestMakefile: every benchmark target sets its own -timeout (go test's
// default of 10 minutes kills make bench on a slow machine), and make test
// says when the on-chain tests will be skipped for want of solc-js.
func TestMakefile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, " test ") && strings.Contains(line, "-bench") && !strings.Contains(line, "-timeout") {
			t.Errorf("Makefile:%d: a benchmark run without -timeout: %s", i+1, strings.TrimSpace(line))
		}
	}
	if !strings.Contains(string(data), "the on-chain tests (a real Solidity compiler and EVM) will be skipped") {
		t.Error("make test does not say when the on-chain tests are skipped")
	}
}

// TestTrainWithoutSolc: a BN254 Groth16 run made where solc-js is missing
// says that its on-chain figures were skipped and how to add them; with
// solc-js, a later export of the run puts its gas into the run's summary.
func TestTrainWithoutSolc(t *testing.T) {
	tmp := t.TempDir()
	csv := smallCSV(t, filepath.Join(tmp, "small.csv"), 16, 0)
	runDir, results := filepath.Join(tmp, "run"), filepath.Join(tmp, "results")
	cmd := cli([]string{"PATH=" + tmp}, "train", "-model", "linreg", "-dataset", csv, "-dataset-skip", "1", "-batch", "4", "-out", runDir, "-results", results, "-host", "h")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "on-chain figures skipped") || !strings.Contains(string(out), "npm ci --prefix tools/solc") {
		t.Fatalf("train without solc-js: %v\n%s", err, out)
	}
	summary := filepath.Join(results, "h", "runs", "run.json")
	sum, err := resultset.ReadRun(summary)
	if err != nil || sum.GasTx != 0 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	if _, err := onchain.FindCompiler(); err != nil {
		if os.Getenv("POTBENCH_REQUIRE_SOLC") != "" {
			t.Fatal(err)
		}
		t.Skipf("the export half needs solc-js: %v", err)
	}
	code, stdout, errs := run(t, "export", "-results", results, "-host", "h", runDir)
	if code != 0 || !strings.Contains(stdout, "figures updated in") {
		t.Fatalf("export: %d\n%s%s", code, stdout, errs)
	}
	if sum, err = resultset.ReadRun(summary); err != nil || sum.GasTx == 0 {
		t.Errorf("after export: summary %+v, %v", sum, err)
	}
}

// TestTrainDefaultDirectoryPerDataset: runs on two CSV files with the same
// flags and no -out land in two directories named after their datasets.
func TestTrainDefaultDirectoryPerDataset(t *testing.T) {
	tmp := t.TempDir()
	t.Chdir(tmp)
	for _, name := range []string{"first.csv", "Second Set.csv"} {
		smallCSV(t, name, 12, len(name))
		if code, out, errs := run(t, "train", "-model", "linreg", "-dataset", name, "-dataset-skip", "1", "-batch", "4", "-results", tmp, "-host", "h"); code != 0 {
			t.Fatalf("train on %s: %d\n%s%s", name, code, out, errs)
		}
	}
	for _, dir := range []string{"runs/linreg-first-b4-k1-e1", "runs/linreg-second_set-b4-k1-e1"} {
		if _, err := os.Stat(filepath.Join(tmp, dir, "manifest.json")); err != nil {
			t.Errorf("no run in %s: %v", dir, err)
		}
	}
}

// TestRunDatasetFile: run refuses a -dataset that no selected workload
// reads, and a bad CSV before it writes anything.
func TestRunDatasetFile(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.csv")
	os.WriteFile(bad, []byte("x,y\n1,2\n3,oops\n"), 0o644)
	out := filepath.Join(tmp, "out")
	if code, _, errs := run(t, "run", "-dataset", bad, "-suite", "quick", "-out", out, "-host", "h"); code != 1 || !strings.Contains(errs, "only linreg-file workloads read it") {
		t.Errorf("-dataset with the quick suite: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "run", "-dataset", bad, "-dataset-skip", "1", "-workloads", "linreg-file/B=4", "-out", out, "-host", "h"); code != 1 || !strings.Contains(errs, "bad.csv") {
		t.Errorf("a bad CSV: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused run left %s behind: %v", out, err)
	}
}

// TestRunProgressOffTerminal: off a terminal (make run | tee log), run
// prints a line per finished workload without -v, so that it does not look
// hung.
func TestRunProgressOffTerminal(t *testing.T) {
	t.Setenv("POTBENCH_KEY_CACHE", t.TempDir())
	code, _, errs := run(t, "run", "-out", t.TempDir(), "-host", "h", "-workloads", "linreg/B=4,D=4")
	if code != 0 || !strings.Contains(errs, "[1/1] native linreg/B=4,D=4 groth16: prove") {
		t.Errorf("exit %d, stderr %q; want a line for the finished workload", code, errs)
	}
}

// TestTrainLeavesTheCheckoutClean: train without -results writes only its
// run directory (runs/ is ignored by git), not the published results tree.
func TestTrainLeavesTheCheckoutClean(t *testing.T) {
	ignore, err := os.ReadFile(filepath.Join("..", "..", ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Chdir(tmp)
	smallCSV(t, "small.csv", 12, 0)
	code, out, errs := run(t, "train", "-model", "linreg", "-dataset", "small.csv", "-dataset-skip", "1", "-batch", "4")
	if code != 0 || !strings.Contains(out, "pass -results results") {
		t.Fatalf("train: %d\n%s%s", code, out, errs)
	}
	entries, _ := os.ReadDir(tmp)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"runs", "small.csv"}) {
		t.Errorf("train wrote %v; want only runs/ beside the CSV", names)
	}
	for _, want := range []string{"/runs/", "/exports/"} {
		if !strings.Contains(string(ignore), want) {
			t.Errorf(".gitignore does not cover %s, which the tool writes by default", want)
		}
	}
}

// smallCSV writes a CSV of rows rows of two features and a target (shifted
// by shift) with a header line, and returns its path.
func smallCSV(t *testing.T, path string, rows, shift int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,%d,%d\n", i%4, i%3, (i+shift)%5)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRefusedTrainLeavesNoDirectory: train refuses bad flags and a bad CSV
// before it makes the run directory, so no empty skeleton is left behind.
func TestRefusedTrainLeavesNoDirectory(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.csv")
	os.WriteFile(bad, []byte("x,y\n1,2\n3,oops\n"), 0o644)
	for i, args := range [][]string{
		{"-model", "linreg", "-batch", "0"},
		{"-model", "nosuch"},
		{"-model", "linreg", "-epochs", "-1"},
		{"-model", "linreg", "-dataset", bad, "-dataset-skip", "1"},
	} {
		out := filepath.Join(tmp, fmt.Sprintf("run%d", i))
		code, _, errs := run(t, append(append([]string{"train"}, args...), "-out", out)...)
		if code != 1 || errs == "" {
			t.Errorf("train %v: exit %d, %q", args, code, errs)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("train %v left %s behind", args, out)
		}
	}
}
