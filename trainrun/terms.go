package trainrun

import (
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/internal/safedecode"
	"github.com/potbench/potbench/training"
)

// Terms is the statement of a whole training run, as a buyer states it and
// as Verify checks it: every term is bound by a proof, or derived by the
// verifier from other terms, never read from the prover's files.
//
//   - Model and Widths fix the family and its layer widths (features, then
//     hidden units and classes where the family has them), hence the model
//     commitment's domain.
//   - Train names the training set by its root and row count. The root binds
//     the number of batches (commit.Set.TreeIV), every step proof takes that
//     number as a public input, and batches per epoch are Rows / Batch: they
//     are never declared on their own. The Rows mod Batch trailing rows are in
//     no batch.
//   - Initial is the initial model: all zeros or the seeded initialisation
//     of its family (whose commitment the verifier computes itself), or a
//     commitment the buyer names.
//   - LR is the learning rate; LRFixed, the value the proofs bind (16
//     fractional bits), must be positive and equal to LR quantised.
//   - Epochs of the sequential schedule: epoch e, step k trains on batch k,
//     every batch exactly once, in order.
//   - Heldout names the held-out set by its root and row count (a public
//     input of the score proof); Target, when given, is the score the run
//     must reach.
type Terms struct {
	Model   string    `json:"model"`
	Widths  []int     `json:"widths"`
	Train   SetTerms  `json:"train"`
	Batch   int       `json:"batch"`
	Initial Initial   `json:"initial_model"`
	LR      float64   `json:"lr"`
	LRFixed int64     `json:"lr_fixed"`
	Epochs  int       `json:"epochs"`
	Order   string    `json:"order"` // "sequential"
	Heldout *SetTerms `json:"heldout,omitempty"`
	Target  *Target   `json:"score_target,omitempty"`
	Curve   string    `json:"curve"`
	Backend string    `json:"backend"`
	// Revision is the circuits' revision (training.LatestRevision; absent:
	// 1): the statement is the same, the circuits and their keys are not.
	Revision int `json:"circuit_revision,omitempty"`
}

// SetTerms names a committed dataset.
type SetTerms struct {
	Root string `json:"root"`
	Rows int    `json:"rows"`
}

// Initial is the initial model: Kind "zero" (every value zero), "seeded"
// (the family's seeded initialisation, training.InitMLP for the MLP) or
// "commitment" (the model committed as Commitment, which the buyer vouches
// for).
type Initial struct {
	Kind       string `json:"kind"`
	Seed       uint64 `json:"seed,omitempty"`
	Commitment string `json:"commitment,omitempty"`
}

// Target is the held-out score a run must reach: at least MinCorrect correct
// answers and, where the score proves a summed loss and MaxLossSum is given,
// a summed loss of at most MaxLossSum (fixed point, hex).
type Target struct {
	MinCorrect int64  `json:"min_correct"`
	MaxLossSum string `json:"max_loss_sum,omitempty"`
}

// Order is the only schedule potbench proves.
const Order = "sequential"

// Quantize is the learning rate as the step circuits bind it.
func Quantize(lr float64) int64 { return int64(math.Round(lr * (1 << lrFrac))) }

// Batches is the number of batches per epoch: Train.Rows / Batch.
func (t Terms) Batches() int {
	if t.Batch < 1 {
		return 0
	}
	return t.Train.Rows / t.Batch
}

// Steps is the number of SGD steps of the run.
func (t Terms) Steps() int { return t.Epochs * t.Batches() }

// Check refuses terms that no run can meet or that mean nothing: an unknown
// family, widths of another arity, a learning rate of 0 or one whose fixed
// point value is not its quantisation, no batch, an unknown schedule.
func (t Terms) Check() error {
	f, err := training.Lookup(t.Model)
	if err != nil {
		return fmt.Errorf("model: %q is not a family potbench proves (%s)", t.Model, strings.Join(Models(), ", "))
	}
	if err := training.CheckRevision(t.Revision); err != nil {
		return fmt.Errorf("circuit_revision: %w", err)
	}
	switch n := len(f.Widths(1)); {
	case len(t.Widths) != n:
		return fmt.Errorf("widths: %v; a %s model has %d layer width(s)", t.Widths, t.Model, n)
	case slices.ContainsFunc(t.Widths, func(w int) bool { return w < 1 }):
		return fmt.Errorf("widths: %v must be positive", t.Widths)
	case t.Batch < 1:
		return fmt.Errorf("batch: %d rows; must be positive", t.Batch)
	case t.Train.Rows < t.Batch:
		return fmt.Errorf("train rows: %d, fewer than one batch of %d", t.Train.Rows, t.Batch)
	case t.Epochs < 1:
		return fmt.Errorf("epochs: %d; a run has at least one", t.Epochs)
	case t.Order != Order:
		return fmt.Errorf("order: %q; potbench proves the %q schedule (every batch once per epoch, in order)", t.Order, Order)
	case !(t.LR > 0 && t.LR < 16):
		return fmt.Errorf("learning rate: %g; must be in (0, 16)", t.LR)
	case t.LRFixed <= 0:
		return fmt.Errorf("learning rate: fixed point %d; must be positive (a rate of 0 leaves the model as it was)", t.LRFixed)
	case t.LRFixed != Quantize(t.LR):
		return fmt.Errorf("learning rate: fixed point %d is not %g quantised (%d)", t.LRFixed, t.LR, Quantize(t.LR))
	case t.Heldout != nil && t.Heldout.Rows < 1:
		return fmt.Errorf("held-out rows: %d; must be positive", t.Heldout.Rows)
	}
	if _, err := parseHex(t.Train.Root); err != nil {
		return fmt.Errorf("train root: %w", err)
	}
	if t.Heldout != nil {
		if _, err := parseHex(t.Heldout.Root); err != nil {
			return fmt.Errorf("held-out root: %w", err)
		}
	}
	if t.Target != nil && t.Target.MaxLossSum != "" {
		if _, err := parseHex(t.Target.MaxLossSum); err != nil {
			return fmt.Errorf("score target: max loss: %w", err)
		}
	}
	if t.Target != nil && t.Heldout == nil {
		return fmt.Errorf("score target: the terms name no held-out set to score on")
	}
	if t.Target != nil && t.Target.MinCorrect > 0 && f.Regression() {
		return fmt.Errorf("score target: %d correct answers asked of least squares, whose score proves a loss only", t.Target.MinCorrect)
	}
	switch t.Initial.Kind {
	case "zero":
	case "seeded":
		if f.InitialKind != "seeded" {
			return fmt.Errorf("initial model: %s has no seeded initialisation (its initial model is zero)", t.Model)
		}
	case "commitment":
		if _, err := parseHex(t.Initial.Commitment); err != nil {
			return fmt.Errorf("initial model: %w", err)
		}
	default:
		return fmt.Errorf("initial model: kind %q; want zero, seeded or commitment", t.Initial.Kind)
	}
	if _, err := curves.Parse(t.Curve); err != nil {
		return fmt.Errorf("curve: %w", err)
	}
	return nil
}

// ModelDomain is the commitment domain of the terms' models.
func (t Terms) ModelDomain() (commit.Domain, error) {
	if err := t.Check(); err != nil {
		return commit.Domain{}, err
	}
	f, _ := training.Lookup(t.Model) // Check found it
	return f.Shape(training.Dims{B: 1, Widths: t.Widths}).Domain, nil
}

// InitialValues is the initial model's values where the verifier can
// compute them (zero, seeded); nil for a named commitment.
func (t Terms) InitialValues() ([]int64, error) {
	dom, err := t.ModelDomain()
	if err != nil {
		return nil, err
	}
	switch t.Initial.Kind {
	case "zero":
		return make([]int64, dom.Values), nil
	case "seeded":
		f, _ := training.Lookup(t.Model) // Check found it
		return f.InitialModel(t.Widths, t.Initial.Seed), nil
	}
	return nil, nil
}

// InitialCommitment is the commitment every run of these terms starts
// from: computed for a zero or seeded model, the buyer's for a named one.
func (t Terms) InitialCommitment() (*big.Int, error) {
	vals, err := t.InitialValues()
	if err != nil {
		return nil, err
	}
	if vals == nil {
		return parseHex(t.Initial.Commitment)
	}
	curve, _ := curves.Parse(t.Curve)
	dom, _ := t.ModelDomain()
	return commit.NativePackAndHash(curve, dom, vals)
}

// curveID is the terms' curve (checked by Check).
func (t Terms) curveID() ecc.ID {
	c, _ := curves.Parse(t.Curve)
	return c
}

// Describe is the initial model in words.
func (i Initial) Describe() string {
	switch i.Kind {
	case "zero":
		return "all zero (commitment computed by the verifier)"
	case "seeded":
		return fmt.Sprintf("seeded initialisation, seed %d (commitment computed by the verifier)", i.Seed)
	}
	return "the model committed as " + i.Commitment + " (named in the terms, not derived)"
}

// Diff lists the terms in which u differs from t, as "term: t's, u's".
func (t Terms) Diff(u Terms) []string {
	var out []string
	add := func(name string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			out = append(out, fmt.Sprintf("%s: %v, %v", name, a, b))
		}
	}
	add("model", t.Model, u.Model)
	add("widths", t.Widths, u.Widths)
	add("train root", t.Train.Root, u.Train.Root)
	add("train rows", t.Train.Rows, u.Train.Rows)
	add("batch", t.Batch, u.Batch)
	add("initial model", t.Initial, u.Initial)
	add("learning rate", fmt.Sprintf("%g (fixed %d)", t.LR, t.LRFixed), fmt.Sprintf("%g (fixed %d)", u.LR, u.LRFixed))
	add("epochs", t.Epochs, u.Epochs)
	add("order", t.Order, u.Order)
	add("held-out set", fmtSet(t.Heldout), fmtSet(u.Heldout))
	add("curve", t.Curve, u.Curve)
	add("backend", t.Backend, u.Backend)
	add("circuit revision", t.CircuitRevision(), u.CircuitRevision())
	return out
}

// CircuitRevision is the terms' circuit revision, 1 when absent.
func (t Terms) CircuitRevision() int { return max(t.Revision, 1) }

func fmtSet(s *SetTerms) string {
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("%s (%d rows)", s.Root, s.Rows)
}

// ReadTerms reads a buyer's terms file strictly.
func ReadTerms(path string) (*Terms, error) {
	data, err := safedecode.ReadFile(path, maxTermsBytes, "terms file")
	if err != nil {
		return nil, err
	}
	return ParseTerms(path, data)
}

// TermsOf is the statement a run directory's manifest claims: what Verify
// checks when the buyer gives no terms of their own.
func TermsOf(m *Manifest) Terms {
	t := Terms{Model: m.Model, Widths: append([]int{}, m.Widths...), Train: SetTerms{Root: m.Dataset.Root, Rows: m.Dataset.TrainRows},
		Batch: m.Batch, Initial: Initial{Kind: m.InitialModel.Kind, Seed: m.InitialModel.Seed}, LR: m.LR, LRFixed: m.LRFixed,
		Epochs: m.Epochs, Order: m.Order, Curve: m.Curve, Backend: m.Backend, Revision: m.Revision}
	if t.Initial.Kind == "commitment" {
		t.Initial.Commitment = m.InitialModel.Commitment
	}
	if m.Dataset.HeldoutRoot != "" {
		t.Heldout = &SetTerms{Root: m.Dataset.HeldoutRoot, Rows: m.Dataset.TestRows}
	}
	return t
}

// DefaultLR is the learning rate a run of the model trains at unless told
// otherwise: the family's, as in the training comparisons.
func DefaultLR(model string) (float64, error) {
	lr, ok := training.LearningRate(model)
	if !ok {
		return 0, fmt.Errorf("-model %q: not a model potbench trains (%s)", model, strings.Join(Models(), ", "))
	}
	return lr, nil
}

// DefaultDir is the run directory of cfg when none is named:
// runs/MODEL[-DATASET]-bB-kK-eE[-fold], with -CURVE-BACKEND off BN254 Groth16, so
// runs of other shapes never share one.
func DefaultDir(cfg Config) string {
	name := cfg.Model
	if cfg.Dataset != "" {
		name += "-" + DatasetTag(cfg.Dataset)
	}
	k := fmt.Sprint(cfg.Chain)
	switch cfg.Chain {
	case ChainEpoch:
		k = "epoch"
	case ChainRun:
		k = "run"
	}
	name += fmt.Sprintf("-b%d-k%s-e%d", cfg.Batch, k, cfg.Epochs)
	if cfg.FoldScore {
		name += "-fold"
	}
	if cfg.Curve != ecc.BN254 || cfg.Backend != "groth16" {
		name += "-" + cfg.Curve.String() + "-" + cfg.Backend
	}
	return filepath.Join("runs", name)
}

// DatasetTag is a dataset's name for a directory: a file's base name
// without its extension, lower case, anything but letters and digits as _.
func DatasetTag(dataset string) string {
	base := strings.TrimSuffix(filepath.Base(dataset), filepath.Ext(dataset))
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '_'
	}, base)
}

// ParseChain reads a -chain value: a positive number of steps per proof,
// "epoch" (ChainEpoch) or "run" (ChainRun).
func ParseChain(s string) (int, error) {
	switch s {
	case "epoch":
		return ChainEpoch, nil
	case "run":
		return ChainRun, nil
	}
	k, err := strconv.Atoi(s)
	if err != nil || k < 1 {
		return 0, fmt.Errorf("%q: want a positive number of steps per proof, epoch or run", s)
	}
	return k, nil
}
