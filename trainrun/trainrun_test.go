package trainrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"

	"github.com/potbench/potbench/proving"
)

// tiny is a small real run: linear regression on diabetes in batches of 64
// (5 steps), with its held-out score.
func tiny(dir string) Config {
	return Config{Model: "linreg", Epochs: 1, Batch: 64, LR: 0.05, Seed: 1, Chain: 1, Curve: ecc.BN254, Backend: "groth16", Dir: dir}
}

var runs = map[string]string{} // made once per test binary, copied per test

func made(t *testing.T, name string, cfg Config) string {
	t.Helper()
	if dir, ok := runs[name]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", "potbench-run-*")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dir = dir
	if _, err := Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	runs[name] = dir
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range runs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// copyRun copies a run directory for a test to tamper with.
func copyRun(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func editManifest(t *testing.T, dir string, edit func(m *Manifest)) {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	edit(m)
	if err := writeJSON(filepath.Join(dir, "manifest.json"), m); err != nil {
		t.Fatal(err)
	}
}

func TestTrainAndVerify(t *testing.T) {
	dir := made(t, "tiny", tiny(""))
	v, err := Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Manifest
	if v.Steps != 5 || v.Proofs != 6 || m.Score == nil || len(m.Circuits) != 2 || m.Figures.PlainRunNs <= 0 || m.Figures.ProveNs <= 0 {
		t.Errorf("verdict %+v, manifest figures %+v", v, m.Figures)
	}
	for _, f := range []string{"README.md", "model.json", "vk/step.vk", "vk/score.vk", "proofs/0000-step.proof"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// a least-squares run's README states its proven error, not answers it never counts
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	if !strings.Contains(string(readme), "mean squared error") || strings.Contains(string(readme), "correct answers") {
		t.Errorf("README of a linreg run:\n%s", readme)
	}
	// the run trains the model the training comparison trains
	var fm FinalModel
	if err := readJSON(filepath.Join(dir, "model.json"), 1<<20, "model", &fm); err != nil || len(fm.Values) != 11 || len(fm.Float) != 11 {
		t.Errorf("model.json: %+v %v", fm, err)
	}
}

// TestVerifyRejects: every tampered transcript is refused, with a message
// naming the proof or file at fault.
func TestVerifyRejects(t *testing.T) {
	good := made(t, "tiny", tiny(""))
	other := made(t, "other", func() Config { c := tiny(""); c.Seed = 2; return c }())
	cases := []struct {
		name, want string
		tamper     func(dir string)
	}{
		{"two proofs swapped", "proof 1", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Proofs[1], m.Proofs[2] = m.Proofs[2], m.Proofs[1] })
		}},
		{"a step dropped", "proof 2", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Proofs = append(m.Proofs[:2], m.Proofs[3:]...) })
		}},
		{"a proof placed at another step", "proof 2", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Proofs[2].FirstStep = 1 })
		}},
		{"a proof of another run spliced in", "proof 1", func(d string) {
			om, _ := ReadManifest(other)
			data, _ := os.ReadFile(filepath.Join(other, om.Proofs[1].File))
			os.WriteFile(filepath.Join(d, om.Proofs[1].File), data, 0o644)
			editManifest(t, d, func(m *Manifest) { m.Proofs[1] = om.Proofs[1] })
		}},
		{"a circuit revision potbench does not know", "circuit_revision", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Revision = 9 })
		}},
		{"a public input changed", "proof 3", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Proofs[3].Public[1] = "0x4" })
		}},
		{"a public input not reduced", "not reduced", func(d string) {
			editManifest(t, d, func(m *Manifest) {
				v, _ := parseHex(m.Proofs[0].Public[1])
				m.Proofs[0].Public[1] = hexOf(v.Add(v, ecc.BN254.ScalarField()))
			})
		}},
		{"a score the proof does not bind", "the manifest claims 1 correct", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Score.Correct++ })
		}},
		{"the final model edited", "model.json", func(d string) {
			var fm FinalModel
			readJSON(filepath.Join(d, "model.json"), 1<<20, "model", &fm)
			fm.Values[0]++
			writeJSON(filepath.Join(d, "model.json"), fm)
		}},
		{"the final model edited, hash updated", "commits to", func(d string) {
			var fm FinalModel
			readJSON(filepath.Join(d, "model.json"), 1<<20, "model", &fm)
			fm.Values[0]++
			writeJSON(filepath.Join(d, "model.json"), fm)
			data, _ := os.ReadFile(filepath.Join(d, "model.json"))
			editManifest(t, d, func(m *Manifest) { m.FinalModel.SHA256 = sha256Hex(data) })
		}},
		{"a verifying key replaced by another shape's", "verifying key vk/step.vk: 5 public inputs", func(d string) {
			data, _ := os.ReadFile(filepath.Join(d, "vk", "score.vk"))
			os.WriteFile(filepath.Join(d, "vk", "step.vk"), data, 0o644)
			editManifest(t, d, func(m *Manifest) { m.Circuits[0].VKSHA256 = sha256Hex(data) })
		}},
		{"a verifying key replaced, hash left", "vk/step.vk", func(d string) {
			data, _ := os.ReadFile(filepath.Join(other, "vk", "step.vk"))
			os.WriteFile(filepath.Join(d, "vk", "step.vk"), data, 0o644)
		}},
		{"a truncated manifest", "manifest.json", func(d string) {
			data, _ := os.ReadFile(filepath.Join(d, "manifest.json"))
			os.WriteFile(filepath.Join(d, "manifest.json"), data[:len(data)/2], 0o644)
		}},
		{"a malformed proof file", "malformed proof", func(d string) {
			m, _ := ReadManifest(d)
			p := filepath.Join(d, m.Proofs[2].File)
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)/3], 0o644)
			editManifest(t, d, func(m *Manifest) { m.Proofs[2].SHA256 = sha256Hex(data[:len(data)/3]) })
		}},
		{"a proof file changed", "proof 4", func(d string) {
			m, _ := ReadManifest(d)
			p := filepath.Join(d, m.Proofs[4].File)
			data, _ := os.ReadFile(p)
			data[10] ^= 1
			os.WriteFile(p, data, 0o644)
		}},
		{"the score claimed for another model", "score proof", func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Score.Correct++ })
		}},
	}
	for _, c := range cases {
		dir := copyRun(t, good)
		c.tamper(dir)
		_, err := Verify(dir, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Verify = %v, want an error naming %q", c.name, err, c.want)
		}
	}
}

func TestChainOfK(t *testing.T) {
	cfg := tiny("")
	cfg.Chain = 2
	dir := made(t, "chain", cfg)
	v, err := Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a chain of 2 claimed to cover one step (its second batch would then be
	// trained on again by the next proof)
	bad := copyRun(t, dir)
	editManifest(t, bad, func(m *Manifest) { m.Proofs[0].Steps = 1 })
	if _, err := Verify(bad, nil); err == nil || !strings.Contains(err.Error(), "a chain-2 proof covers 2 step(s), the manifest says 1") {
		t.Errorf("chain coverage understated: %v", err)
	}
	empty := copyRun(t, dir)
	editManifest(t, empty, func(m *Manifest) { m.Epochs, m.Proofs = 0, nil })
	if _, err := Verify(empty, nil); err == nil || !strings.Contains(err.Error(), "epochs: 0") {
		t.Errorf("a run of no steps: %v", err)
	}
	// 5 steps: two chains of 2, one step, and the score
	if v.Steps != 5 || v.Proofs != 4 || len(v.Manifest.Circuits) != 3 {
		t.Errorf("chain run: %d steps in %d proofs, circuits %d", v.Steps, v.Proofs, len(v.Manifest.Circuits))
	}
}

// TestShardsAndResume: proving in shards into one directory, then merging,
// gives a run that verifies; a shard refuses to set up keys of its own; and
// resuming proves only what is missing.
func TestShardsAndResume(t *testing.T) {
	dir := t.TempDir()
	cfg := tiny(dir)
	cfg.Stage, cfg.Shards = "prove", 2
	if _, err := Train(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "-prepare first") {
		t.Fatalf("shard without keys: %v", err)
	}
	cfg.Stage = "prepare"
	if _, err := Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		cfg.Stage, cfg.Shard = "prove", i
		if _, err := Train(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Stage = "merge"
	if _, err := Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dir, nil); err != nil {
		t.Fatal(err)
	}
	// drop one proof and resume: only that one is proven again
	os.Remove(filepath.Join(dir, "proofs", "0002-step.json"))
	var lines []string
	cfg = tiny(dir)
	cfg.Resume = true
	cfg.Progress = func(done, total int, what string) { lines = append(lines, what) }
	if _, err := Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	proven := 0
	for _, l := range lines {
		if !strings.Contains(l, "already there") {
			proven++
		}
	}
	if proven != 1 {
		t.Errorf("resume proved %d proofs: %q", proven, lines)
	}
	if _, err := Verify(dir, nil); err != nil {
		t.Fatal(err)
	}
}

func TestTrainRefuses(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Epochs = 0 }, "at least one epoch"},
		{func(c *Config) { c.Batch = 1000 }, "larger than the dataset"},
		{func(c *Config) { c.Dir = filepath.Join(file, "run") }, "cannot create the run directory"},
		{func(c *Config) { c.Model = "svm" }, `unknown model "svm"`},
		{func(c *Config) { c.Dataset = "digits" }, "trains on diabetes"},
	} {
		cfg := tiny(filepath.Join(t.TempDir(), "run"))
		c.edit(&cfg)
		if _, err := Train(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Train = %v, want %q", err, c.want)
		}
		if _, err := os.Stat(cfg.Dir); err == nil {
			t.Errorf("%q: a refused run left %s behind", c.want, cfg.Dir)
		}
	}
}

// TestTrainOnFile: linear regression on a user's CSV; a value that does not
// fit the fixed-point format after standardising is refused, naming its file
// and line, unless clipped.
func TestTrainOnFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.csv")
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for i := range 200 {
		x1 := float64(i%17) / 3
		if i == 150 {
			x1 = 1e6
		}
		fmt.Fprintf(&b, "%g,%g,%g\n", x1, float64(i%5), float64(i%7)+x1/1e6)
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	cfg := tiny(t.TempDir())
	cfg.Dataset, cfg.DatasetSkip, cfg.Batch = path, 1, 32
	if _, err := Train(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "data.csv:152") || !strings.Contains(err.Error(), "-clip") {
		t.Fatalf("Train on an outlier: %v", err)
	}
	cfg.Clip = true
	m, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Dataset.Name != "data.csv" || m.Dataset.SHA256 != sha256Hex([]byte(b.String())) || m.Figures.Steps != 5 {
		t.Errorf("manifest dataset %+v, steps %d", m.Dataset, m.Figures.Steps)
	}
	if _, err := Verify(cfg.Dir, nil); err != nil {
		t.Fatal(err)
	}
}

// TestResumeReprovesAnotherRun: proofs left by a run with other flags are
// not kept by -resume.
func TestResumeReprovesAnotherRun(t *testing.T) {
	dir := copyRun(t, made(t, "other", func() Config { c := tiny(""); c.Seed = 2; return c }()))
	cfg := tiny(dir)
	cfg.Resume = true
	kept := 0
	cfg.Progress = func(done, total int, what string) {
		if strings.Contains(what, "already there") {
			kept++
		}
	}
	if _, err := Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if kept != 0 {
		t.Errorf("%d proofs of the seed-2 run kept for the seed-1 run", kept)
	}
	if _, err := Verify(dir, nil); err != nil {
		t.Fatal(err)
	}
}

// TestEarlierRunInTheDirectory: a run into a directory that holds another
// run is refused without -resume, before anything is written; with
// -resume, the proofs of a longer earlier run that no job of this one can
// keep are removed, so that only the manifest's proofs remain.
func TestEarlierRunInTheDirectory(t *testing.T) {
	twoEpochs := tiny("")
	twoEpochs.Epochs = 2
	dir := copyRun(t, made(t, "two-epochs", twoEpochs))
	before, _ := filepath.Glob(filepath.Join(dir, "proofs", "*"))
	cfg := tiny(dir)
	if _, err := Train(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "already holds a run") || !strings.Contains(err.Error(), "-resume") {
		t.Fatalf("a run over another without -resume: %v", err)
	}
	if after, _ := filepath.Glob(filepath.Join(dir, "proofs", "*")); len(after) != len(before) {
		t.Errorf("the refused run changed the directory: %d proof files, were %d", len(after), len(before))
	}
	cfg.Resume = true
	m, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := filepath.Glob(filepath.Join(dir, "proofs", "*"))
	want := 2 * len(m.Proofs)
	if m.Score != nil {
		want += 2
	}
	if len(after) != want || len(after) >= len(before) {
		t.Errorf("%d proof files beside a manifest of %d proofs (the earlier run left %d)", len(after), len(m.Proofs), len(before))
	}
	if _, err := Verify(dir, nil); err != nil {
		t.Fatal(err)
	}
}

// stalledSetup is a proving system whose setup signals that it started,
// then waits until released: an interrupt arrives during it.
type stalledSetup struct {
	proving.System
	started func()
	release chan struct{}
}

func (s stalledSetup) Setup(cs constraint.ConstraintSystem) (proving.Key, proving.Key, error) {
	s.started()
	<-s.release
	return s.System.Setup(cs)
}

// TestInterruptDuringSetup: cancelling the context while a key is being set
// up returns at once with proving.ErrInterrupted (the CLI's exit code 130):
// the setup in progress is abandoned and none of its keys written.
func TestInterruptDuringSetup(t *testing.T) {
	cfg := tiny(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	defer close(release)
	_, err := train(ctx, cfg, func(p *plan) error {
		p.sys = stalledSetup{System: p.sys, started: cancel, release: release}
		return nil
	})
	if !errors.Is(err, proving.ErrInterrupted) || !strings.Contains(err.Error(), "during the step key setup") {
		t.Fatalf("interrupted setup: %v", err)
	}
	if vks, _ := filepath.Glob(filepath.Join(cfg.Dir, "vk", "*")); len(vks) != 0 {
		t.Errorf("keys written after the interrupt: %v", vks)
	}
}
