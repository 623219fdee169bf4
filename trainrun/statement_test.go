package trainrun

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/training"
)

// forge makes a run under the honest keys of cfg's circuits, from a plan a
// dishonest prover changed with edit before proving.
func forge(t *testing.T, cfg Config, edit func(*plan) error) string {
	t.Helper()
	cfg.Dir = t.TempDir()
	if _, err := train(context.Background(), cfg, edit); err != nil {
		t.Fatal(err)
	}
	return cfg.Dir
}

// replay makes the plan's trace the steps from model m0 over batches at
// fixed-point learning rate lr, one proof per step, then the score.
func replay(p *plan, m0 []int64, batches []int, lr int64) error {
	p.lrFixed, p.snaps, p.jobs = lr, nil, nil
	m := m0
	for i, k := range batches {
		p.snaps = append(p.snaps, training.Snapshot{Step: i, Batch: k, Model: m, LR: lr})
		_, next, err := p.shape.AssignStep(p.ds, k, m, lr)
		if err != nil {
			return err
		}
		m = next
		p.jobs = append(p.jobs, job{index: i, shape: "step", first: i, size: 1})
	}
	p.final = m
	p.jobs = append(p.jobs, job{index: len(batches), shape: "score"})
	return nil
}

func wantErr(t *testing.T, name string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: %v, want an error naming %q", name, err, want)
	}
}

// TestStatementInitialModelAndRate (case 1): a run from a model of the
// prover's choosing at a fixed-point learning rate of 0 (the data then have
// no effect) is refused, by the term that differs.
func TestStatementInitialModelAndRate(t *testing.T) {
	cfg := tiny("")
	sequential := func(p *plan) []int {
		var out []int
		for range cfg.Epochs {
			for k := range p.ds.NumBatches() {
				out = append(out, k)
			}
		}
		return out
	}
	frozen := forge(t, cfg, func(p *plan) error {
		return replay(p, p.final, sequential(p), 0) // a trained model, never moved
	})
	_, err := Verify(frozen, nil)
	wantErr(t, "rate 0 in the manifest", err, "learning rate: fixed point 0")
	editManifest(t, frozen, func(m *Manifest) { m.LRFixed = Quantize(m.LR) })
	_, err = Verify(frozen, nil)
	wantErr(t, "rate 0 in the proofs", err, "learning rate: proof 0, terms 0.05 (fixed 3277)")

	chosen := forge(t, cfg, func(p *plan) error {
		return replay(p, p.final, sequential(p), p.lrFixed) // honest rate, chosen start
	})
	_, err = Verify(chosen, nil)
	wantErr(t, "a chosen initial model", err, "proof 0 (proofs/0000-step.proof, steps 0..0): model before: proof")

	// the honest run against a buyer's terms of another rate
	good := made(t, "tiny", tiny(""))
	m, err := ReadManifest(good)
	if err != nil {
		t.Fatal(err)
	}
	terms := TermsOf(m)
	if _, err := Verify(good, &terms); err != nil {
		t.Fatalf("the run's own terms: %v", err)
	}
	terms.LR, terms.LRFixed = 0.1, Quantize(0.1)
	_, err = Verify(good, &terms)
	wantErr(t, "the buyer's rate", err, "learning rate: proof 3277, terms 0.1 (fixed 6554)")
	terms = TermsOf(m)
	terms.LRFixed = 0
	_, err = Verify(good, &terms)
	wantErr(t, "a buyer's rate of 0", err, "learning rate: fixed point 0")
}

// TestStatementStepsFromKeys (case 2): the step key copied to a chain's name
// cannot make one proven step stand for a chain covering the epoch.
func TestStatementStepsFromKeys(t *testing.T) {
	dir := copyRun(t, made(t, "tiny", tiny("")))
	data, err := os.ReadFile(filepath.Join(dir, "vk", "step.vk"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "vk", "chain-5.vk"), data, 0o644)
	editManifest(t, dir, func(m *Manifest) {
		c := m.Circuits[0]
		c.Shape, c.VK = "chain-5", filepath.Join("vk", "chain-5.vk")
		m.Circuits = append(m.Circuits, c)
		first := m.Proofs[0]
		first.Shape, first.Steps = "chain-5", 5
		m.Proofs = []Proof{first}
	})
	_, err = Verify(dir, nil)
	wantErr(t, "a step key named as a chain", err, "verifying key vk/chain-5.vk: 6 public inputs; a linreg chain-5 proof has 7")
}

// TestStatementCoverage (case 3): every step on batch 0, declared as a set
// of one batch over as many epochs, is refused: the root binds the number of
// batches and every step proof carries it.
func TestStatementCoverage(t *testing.T) {
	cfg := tiny("")
	dir := forge(t, cfg, func(p *plan) error {
		zeros := make([]int, p.ds.NumBatches())
		return replay(p, p.snaps[0].Model, zeros, p.lrFixed)
	})
	_, err := Verify(dir, nil)
	wantErr(t, "batch 0 repeated", err, "proof 1 (proofs/0001-step.proof, steps 1..1): batch: proof 0, terms 1")
	editManifest(t, dir, func(m *Manifest) { m.Epochs, m.Dataset.TrainRows = len(m.Proofs), m.Batch })
	_, err = Verify(dir, nil)
	wantErr(t, "one batch declared", err, "batches: proof 5, terms 1")
}

// TestStatementPrintsOnlyProven (case 5): what verify prints is bound, or
// listed as not proven; a run whose score proof was dropped prints no score;
// float weights that are not the committed model's are refused.
func TestStatementPrintsOnlyProven(t *testing.T) {
	good := made(t, "tiny", tiny(""))
	v, err := Verify(good, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := v.Statement(false)
	for _, want := range []string{"training set    root 0x", "5 batches of 64 rows", "initial model   all zero (commitment computed by the verifier)",
		"learning rate   0.05 (fixed point 3277/2^16)", "mean squared error", "not proven (read from the prover's files)"} {
		if !strings.Contains(out, want) {
			t.Errorf("statement lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "correct") {
		t.Errorf("a least-squares run's statement counts correct answers:\n%s", out)
	}

	dropped := copyRun(t, good)
	editManifest(t, dropped, func(m *Manifest) { m.Score, m.Dataset.HeldoutRoot = nil, "" })
	v, err = Verify(dropped, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out := v.Statement(false); !strings.Contains(out, "held-out score  none proven") || strings.Contains(out, "mean squared error") {
		t.Errorf("a run without its score proof:\n%s", out)
	}
	m, _ := ReadManifest(good)
	terms := TermsOf(m)
	_, err = Verify(dropped, &terms)
	wantErr(t, "the buyer's held-out set, no score proof", err, "the run has no score proof")

	floats := copyRun(t, good)
	var fm FinalModel
	readJSON(filepath.Join(floats, "model.json"), 1<<20, "model", &fm)
	fm.Float[0] += 0.5
	writeJSON(filepath.Join(floats, "model.json"), fm)
	data, _ := os.ReadFile(filepath.Join(floats, "model.json"))
	editManifest(t, floats, func(m *Manifest) { m.FinalModel.SHA256 = sha256Hex(data) })
	_, err = Verify(floats, nil)
	wantErr(t, "float weights not the model's", err, "float weight 0")
}

// TestTermsTarget: a buyer's score target is checked against the proven
// score, and terms that cannot be met are refused before any proof is read.
func TestTermsTarget(t *testing.T) {
	good := made(t, "tiny", tiny(""))
	m, _ := ReadManifest(good)
	terms := TermsOf(m)
	terms.Target = &Target{MaxLossSum: m.Score.LossSum}
	if _, err := Verify(good, &terms); err != nil {
		t.Fatalf("a target the run meets: %v", err)
	}
	terms.Target.MaxLossSum = "0x1"
	_, err := Verify(good, &terms)
	wantErr(t, "a loss target missed", err, "score target: proof summed loss")
	terms.Target = &Target{MinCorrect: 1}
	_, err = Verify(good, &terms)
	wantErr(t, "correct answers asked of least squares", err, "score target: 1 correct answers asked of least squares")
	terms = TermsOf(m)
	terms.Train.Rows = 20
	_, err = Verify(good, &terms)
	wantErr(t, "fewer rows than a batch", err, "train rows: 20, fewer than one batch of 64")
}

// TestChainEpoch: -chain epoch proves each epoch in one chain proof, K the
// batches per epoch the committed set gives; the manifest records K and the
// run verifies.
func TestChainEpoch(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Model: "linreg", Epochs: 2, Batch: 128, LR: 0.05, Seed: 1, Chain: ChainEpoch, Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	m, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Chain != 2 || len(m.Proofs) != 2 || m.Proofs[0].Shape != "chain-2" || m.Proofs[1].FirstStep != 2 {
		t.Fatalf("chain %d, proofs %+v", m.Chain, m.Proofs)
	}
	v, err := Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Steps != 4 || v.Proofs != 3 {
		t.Errorf("verified %d steps in %d proofs, want 4 in 3 (two epochs and the score)", v.Steps, v.Proofs)
	}
	for in, want := range map[string]int{"epoch": ChainEpoch, "1": 1, "8": 8} {
		if got, err := ParseChain(in); err != nil || got != want {
			t.Errorf("ParseChain(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"0", "-1", "runs", ""} {
		if _, err := ParseChain(bad); err == nil {
			t.Errorf("ParseChain(%q) accepted", bad)
		}
	}
	if got := DefaultDir(cfg); got != filepath.Join("runs", "linreg-b128-kepoch-e2") {
		t.Errorf("DefaultDir = %s", got)
	}
}

// TestChainWholeRun: -chain run proves every epoch in one chain proof that wraps
// from the set's last batch to its first; the run verifies, and the same
// proof passed off as a chain that ends within an epoch is refused.
func TestChainWholeRun(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Model: "linreg", Epochs: 2, Batch: 128, LR: 0.05, Seed: 1, Chain: ChainRun, Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	m, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Chain != 4 || len(m.Proofs) != 1 || m.Proofs[0].Shape != "run-4" || m.Proofs[0].Steps != 4 {
		t.Fatalf("chain %d, proofs %+v", m.Chain, m.Proofs)
	}
	v, err := Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Steps != 4 || v.Proofs != 2 {
		t.Errorf("verified %d steps in %d proofs, want 4 in 2 (the run and the score)", v.Steps, v.Proofs)
	}
	if got := DefaultDir(cfg); got != filepath.Join("runs", "linreg-b128-krun-e2") {
		t.Errorf("DefaultDir = %s", got)
	}
	if k, err := StepsOf("run-6"); k != 6 || err != nil || !Wraps("run-6") || Wraps("chain-6") {
		t.Errorf("StepsOf(run-6) = %d, %v", k, err)
	}

	// renamed to a chain that ends within its epoch: refused before any key
	// is read as that shape's
	renamed := copyRun(t, dir)
	editManifest(t, renamed, func(m *Manifest) {
		m.Proofs[0].Shape = "chain-4"
		for i := range m.Circuits {
			if m.Circuits[i].Shape == "run-4" {
				m.Circuits[i].Shape = "chain-4"
			}
		}
	})
	_, err = Verify(renamed, nil)
	wantErr(t, "a wrapping chain renamed", err, "runs past the epoch's 2 batches")

	// one epoch of -chain run is -chain epoch: no wrap
	one := cfg
	one.Epochs, one.Dir = 1, t.TempDir()
	p, err := newPlan(one)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.jobs) != 2 || p.jobs[0].shape != "chain-2" {
		t.Errorf("one epoch of -chain run: jobs %+v", p.jobs)
	}
}

// TestFoldScore: -chain run -fold-score proves a whole run, its steps and
// its held-out score, in one proof that verifies; refused: the score record
// claiming another score than the proof's inputs, the same claim in both
// records (the proof does not verify), and -fold-score where the last proof
// is a step.
func TestFoldScore(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Model: "linreg", Epochs: 2, Batch: 128, LR: 0.05, Seed: 1, Chain: ChainRun, FoldScore: true, Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	m, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Proofs) != 1 || m.Proofs[0].Shape != "run-4+score" || m.Score == nil || m.Score.File != m.Proofs[0].File || m.Figures.ProofsCount != 1 ||
		len(m.Score.Public) != 4 || len(m.Proofs[0].Public) != chain.Inputs+4 { // the score's model is the chain's last, not an input
		t.Fatalf("proofs %+v, score %+v", m.Proofs, m.Score)
	}
	v, err := Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Steps != 4 || v.Proofs != 1 || v.Score == nil || v.Score.LossSum == nil || hexOf(v.Score.LossSum) != m.Score.LossSum {
		t.Errorf("verified %d steps in %d proofs, score %+v", v.Steps, v.Proofs, v.Score)
	}
	if got := DefaultDir(cfg); got != filepath.Join("runs", "linreg-b128-krun-e2-fold") {
		t.Errorf("DefaultDir = %s", got)
	}

	lower := func(m *Manifest) string { // a summed loss one below the proven
		loss, _ := parseHex(m.Score.LossSum)
		m.Score.LossSum = hexOf(loss.Sub(loss, big.NewInt(1)))
		m.Score.Public[2] = m.Score.LossSum // root, rows, loss, correct: no model input
		return m.Score.LossSum
	}
	claimed := copyRun(t, dir)
	editManifest(t, claimed, func(m *Manifest) { lower(m) })
	_, err = Verify(claimed, nil)
	wantErr(t, "a score claimed below the proof's loss", err, "its recorded score inputs are not the score record's")
	claimed2 := copyRun(t, dir)
	editManifest(t, claimed2, func(m *Manifest) { m.Proofs[0].Public[chain.Inputs+2] = lower(m) })
	_, err = Verify(claimed2, nil)
	wantErr(t, "the same lower loss in both records", err, "does not verify")

	step := cfg
	step.Chain, step.Dir = 1, t.TempDir()
	if _, err := newPlan(step); err == nil || !strings.Contains(err.Error(), "the score folds into a chain proof") {
		t.Errorf("-fold-score with -chain 1: %v", err)
	}
}
