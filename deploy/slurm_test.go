package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlurmCluster runs the project's Slurm recipe (slurm/train-run.sh) on a
// real cluster: a proven training run sharded over a job array of two, the
// merge as a dependent job, then verified; beside it the same run in one
// process, which must reach the same final model. Then a shard that fails:
// the merge refuses, naming the shard; the recipe run again proves only that
// shard's proofs (the other shard's files are left as they were) and the run
// verifies. Opt-in, as it needs a cluster: `make slurm-test` starts one
// (slurm/local-cluster.sh up), runs this with POTBENCH_SLURM=1 and stops it.
func TestSlurmCluster(t *testing.T) {
	if os.Getenv("POTBENCH_SLURM") != "1" || os.Getenv("SLURM_CONF") == "" {
		t.Skip("opt-in: make slurm-test (a one-node cluster: slurm/local-cluster.sh up, then POTBENCH_SLURM=1 with SLURM_CONF set)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "potbench")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/potbench").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	flags := func(dir string) []string {
		return []string{"-model", "linreg", "-epochs", "1", "-batch", "32", "-out", filepath.Join(tmp, dir)}
	}
	run := func(env []string, name string, args ...string) (string, time.Duration, error) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		return string(out), time.Since(start), err
	}
	logs := filepath.Join(tmp, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	recipe := func(potbench, dir string) (string, time.Duration, error) {
		env := []string{"POTBENCH=" + potbench, "POTBENCH_WAIT=1", "POTBENCH_CPUS=1", "POTBENCH_SLURM_LOGS=" + logs}
		return run(env, "slurm/train-run.sh", append([]string{"2"}, flags(dir)...)...)
	}
	final := func(dir string) string {
		var m struct {
			FinalModel struct{ Commitment string } `json:"final_model"`
		}
		data, err := os.ReadFile(filepath.Join(tmp, dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &m); err != nil || m.FinalModel.Commitment == "" {
			t.Fatalf("%s/manifest.json: no final model (%v)", dir, err)
		}
		return m.FinalModel.Commitment
	}
	verify := func(dir string) {
		out, _, err := run(nil, bin, "verify", "-trust-keys", filepath.Join(tmp, dir))
		if err != nil || !strings.Contains(out, "OK") {
			t.Fatalf("verify %s: %v\n%s", dir, err, out)
		}
	}

	out, one, err := run(nil, bin, append([]string{"train"}, flags("one")...)...)
	if err != nil {
		t.Fatalf("one process: %v\n%s", err, out)
	}
	out, sharded, err := recipe(bin, "sharded")
	if err != nil {
		t.Fatalf("the recipe: %v\n%s\n%s", err, out, jobLogs(logs))
	}
	verify("sharded")
	if final("sharded") != final("one") {
		t.Fatalf("the sharded run's final model %s differs from the one-process run's %s", final("sharded"), final("one"))
	}
	t.Logf("linreg on diabetes, 1 epoch, batch 32 (12 proofs): one process %s; Slurm, 2 shards (prepare, array, merge) %s",
		one.Round(time.Millisecond), sharded.Round(time.Millisecond))

	// shard 1 fails; the merge names it; the recipe again fills only it
	marker := filepath.Join(tmp, "fail-shard-1")
	wrapper := filepath.Join(tmp, "potbench-failing")
	script := "#!/bin/sh\nif [ \"${SLURM_ARRAY_TASK_ID:-}\" = 1 ] && [ -f " + marker + " ]; then echo 'shard 1 fails on purpose' >&2; exit 3; fi\nexec " + bin + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = recipe(wrapper, "failing")
	if err == nil {
		t.Fatalf("the merge accepted a run with a failed shard:\n%s", out)
	}
	if l := jobLogs(logs); !strings.Contains(l, "shard 1 of 2 has not finished") {
		t.Fatalf("the merge does not name the failed shard:\n%s", l)
	}
	kept := map[string]time.Time{}
	proofs, _ := filepath.Glob(filepath.Join(tmp, "failing", "proofs", "*"))
	for _, p := range proofs {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		kept[p] = fi.ModTime()
	}
	if len(kept) == 0 || len(kept) >= 24 {
		t.Fatalf("after the failed shard: %d proof files, want shard 0's alone", len(kept))
	}
	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}
	if out, _, err = recipe(wrapper, "failing"); err != nil {
		t.Fatalf("the recipe run again: %v\n%s\n%s", err, out, jobLogs(logs))
	}
	for p, mt := range kept {
		if fi, err := os.Stat(p); err != nil || !fi.ModTime().Equal(mt) {
			t.Errorf("%s: shard 0's proof was made again", p)
		}
	}
	verify("failing")
	if final("failing") != final("one") {
		t.Fatalf("the repaired run's final model differs from the one-process run's")
	}
}

// jobLogs concatenates the jobs' output files.
func jobLogs(dir string) string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(dir, "*.out"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		b.WriteString("== " + filepath.Base(f) + "\n" + string(data))
	}
	return b.String()
}
