package training

import (
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/resultset"
)

// A Family is one model family described once: its data, its learning rate,
// its benchmarked sizes, its training (fixed point and the float64 twin) and
// the adapters from a run's dimensions to its step, chain and score
// circuits. The benchmark harness, the proven runs and the CLI read it; a
// new family is a circuit package and one descriptor here.
type Family struct {
	Name    string  // -model, the run's family and the step workloads' family
	Title   string  // the model column of the training comparison
	Dataset string  // the vendored dataset it trains on unless given a file
	NTrain  int     // rows of that dataset that train (after the seeded shuffle); the rest test
	Metric  string  // "mse" (regression) or "accuracy"
	Classes int     // output classes (0 for regression)
	LR      float64 // learning rate of the comparisons, the benchmarked steps and a run's default

	// CompareEpochs is the training comparison's length (batch 32, seed 1).
	CompareEpochs int

	// BenchSizes are the step workloads' sizes in the full suite, DefaultSizes
	// those of the default suite ("B=.." for the step BenchStep gives, where
	// the family has no workload file of its own).
	BenchSizes, DefaultSizes []string

	Initial     string // how the initial model is made, in words
	InitialKind string // "zero" or "seeded"

	// Widths are the layer widths for d features (features first).
	Widths func(d int) []int
	// Shape gives the circuits and model handling of a run's dimensions.
	Shape func(Dims) Shape

	// ScoreInputs is how many public inputs its score circuit has.
	ScoreInputs int
	// LossFrac is the fractional bits of the summed loss its score proves
	// (0: the score proves right answers only).
	LossFrac int

	// newModel is the model both ways (fixed point and float64), initial,
	// for batches of b rows, the layer widths w (features first) and a tree
	// of the given depth.
	newModel func(b int, w []int, depth int, seed uint64) model
	// newPlain is the same initial model in float64 alone.
	newPlain func(w []int, seed uint64) plain
	// load reads the training table; nil: the vendored Dataset.
	load   func() (*datasets.Table, error)
	clip   bool // saturate values outside the data format (else an error naming the line)
	split  func(rows int) int
	linear bool // a linear model (WithLinearStep)
}

// Dims are what a run's circuits are compiled for: batches of B rows in a
// tree of the given depth, the layer widths (features first), and the
// held-out rows.
type Dims struct {
	B, Depth, TestRows int
	Widths             []int
	// Revision is the circuits' revision (LatestRevision and before).
	Revision int
	// Batches is the training set's number of batches (0: not known), for
	// revision 2's whole-set chains (chain.Params.Set).
	Batches int
}

// LatestRevision is the circuits' latest revision. Revision 1 (or 0) is the
// circuits of runs made before revision 2; revision 2 computes the linear,
// logistic and softmax steps' products in lanes where they pay
// (circuits/lanes, linreg.Params.Lanes), places the sigmoid table once per
// logistic chain (logreg.Params.SharedTable) and proves a chain of whole
// epochs with each batch hashed once and the set's root computed from all
// its leaves (chain.Params.Set); revision 3 proves the range checks of
// steps, chains and scores with package limbcheck, one constraint less per
// check (linreg.Params.LimbChecks). Every revision proves the same
// statement; their circuits, and so their keys, differ.
const LatestRevision = 3

// CheckRevision reports a revision potbench does not know.
func CheckRevision(r int) error {
	if r < 0 || r > LatestRevision {
		return fmt.Errorf("circuit revision %d: potbench knows revisions 1 to %d", r, LatestRevision)
	}
	return nil
}

// Shape is what proving needs for one dataset shape. A model is handled by
// its committed values (in the order its family's Values gives).
type Shape struct {
	Widths      []int // layer widths (the run's terms)
	Domain      commit.Domain
	StepCircuit func() frontend.Circuit
	AssignStep  func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error)
	// chains of K steps (wrap: past the set's last batch to its first, as
	// chain.Params.Wrap); nil when the family has no chain circuit
	ChainCircuit func(k int, wrap bool) frontend.Circuit
	AssignChain  func(ds *commit.Dataset, first, k int, wrap bool, m []int64, lr int64) (frontend.Circuit, []int64, error)
	// the held-out score: the circuit, and its assignment with the committed
	// set, the summed loss (nil for a class score) and the right answers
	ScoreCircuit func() frontend.Circuit
	AssignScore  func(curve ecc.ID, rows [][]int64, m []int64) (frontend.Circuit, *commit.Dataset, *big.Int, int64, error)
	Decode       func(m []int64) []float64
}

// model is a family's model twice: in fixed point, as its circuits prove
// it, and in float64 (its plain twin).
type model interface {
	plain
	params() linreg.Params // the step's batch, formats and learning-rate bits
	values() []int64
	step(rows [][]int64, lr int64) error
	// score is one held-out row's squared error (regression) or right
	// answer (1 or 0), fixed point and float64; q is the row quantised.
	score(q []int64, x []float64, y float64) (fixed, float float64)
}

// fixed is the fixed-point half of a model: the step's parameters, the
// model M and the circuits' native step on it.
type fixed[M interface{ Values() []int64 }] struct {
	base   linreg.Params
	m      M
	native func(M, [][]int64, int64) (M, error)
}

func (f *fixed[M]) params() linreg.Params { return f.base }
func (f *fixed[M]) values() []int64       { return f.m.Values() }

func (f *fixed[M]) step(rows [][]int64, lr int64) (err error) {
	f.m, err = f.native(f.m, rows, lr)
	return err
}

// plain is a family's float64 model alone: what the plain training a
// proof is held against runs, with nothing of the fixed-point side.
type plain interface {
	plainStep(x [][]float64, y []float64, lr float64) error
}

// families is every family, in the order the CLI lists them and the
// training comparisons run.
var families = []*Family{&LinReg, &LogReg, &Softmax, &MLP}

// Families lists every family.
func Families() []Family {
	out := make([]Family, len(families))
	for i, f := range families {
		out[i] = *f
	}
	return out
}

// Names lists the families' names.
func Names() []string {
	var out []string
	for _, f := range families {
		out = append(out, f.Name)
	}
	return out
}

// Lookup is the family of that name.
func Lookup(name string) (Family, error) {
	for _, f := range families {
		if f.Name == name {
			return *f, nil
		}
	}
	return Family{}, fmt.Errorf("unknown model %q (known: %s)", name, strings.Join(Names(), ", "))
}

// LearningRate is the family's learning rate; false for an unknown family.
func LearningRate(name string) (float64, bool) {
	f, err := Lookup(name)
	return f.LR, err == nil
}

// OnFile is the family trained on a CSV file (numbers, skip header lines,
// the last column the target: a class index in [0, Classes) for a classifier)
// instead of its vendored set: four fifths of the rows (after the seeded
// shuffle) train. Without clip, a value that does not fit the data format
// after standardising is an error naming its line.
func (f Family) OnFile(path string, skip int, clip bool) Family {
	f.Dataset = filepath.Base(path)
	f.load = func() (*datasets.Table, error) {
		t, err := datasets.LoadFile(path, skip)
		if err != nil || f.Classes == 0 {
			return t, err
		}
		return t.Classify(f.Classes)
	}
	f.clip = clip
	f.split = func(rows int) int { return rows * 4 / 5 }
	return f
}

// TrainReport is a training comparison (resultset.Training) with what the
// quality workloads and the tests need of the run.
type TrainReport struct {
	resultset.Training
	StepsProved int

	Final   []int64         // the fixed-point model after training (its committed values)
	Train   *datasets.Table // the standardised training rows, in batch order
	Test    *datasets.Table // the standardised test rows
	Quant   [][]int64       // the test rows quantised as the circuits see them
	Dataset *commit.Dataset // the training rows, committed in batches
}

// Snapshot is the state before one step of a training run.
type Snapshot struct {
	Step    int
	Dataset *commit.Dataset
	Batch   int
	Model   []int64 // the fixed-point model's committed values
	LR      int64
}

// Train is the family's seeded training in fixed point and in float64 side
// by side, from the same initial model on the same batches: it reports the
// test metric both ways. snap, if not nil, sees the state before every step.
func (f Family) Train(epochs, batch int, lr float64, seed uint64, snap func(Snapshot)) (TrainReport, error) {
	t, nTrain, err := f.table()
	if err != nil {
		return TrainReport{}, err
	}
	if nTrain < batch {
		return TrainReport{}, fmt.Errorf("%s: batch size %d is larger than the dataset's %d training rows", t.Name, batch, nTrain)
	}
	if nTrain >= t.Rows() {
		return TrainReport{}, fmt.Errorf("%s: %d rows leave no test rows after %d training rows", t.Name, t.Rows(), nTrain)
	}
	m := f.newModel(batch, f.Widths(t.Features()), Depth(nTrain, batch), seed)
	data := m.params().Data
	sp, err := NewSplit(t, seed, nTrain, batch, data)
	if err != nil {
		return TrainReport{}, err
	}
	if !f.clip {
		for _, part := range []*datasets.Table{sp.Train, sp.Test} {
			if _, err := part.QuantizeStrict(data); err != nil {
				return TrainReport{}, fmt.Errorf("%w (pass -clip to saturate such values)", err)
			}
		}
	}
	lrInt := int64(math.Round(lr * float64(int64(1)<<m.params().LRFrac)))
	step := 0
	for range epochs {
		for k := 0; k < sp.DS.NumBatches(); k++ {
			if snap != nil {
				snap(Snapshot{Step: step, Dataset: sp.DS, Batch: k, Model: m.values(), LR: lrInt})
			}
			if err := m.step(sp.DS.Batch(k), lrInt); err != nil {
				return TrainReport{}, fmt.Errorf("step %d: %w", step, err)
			}
			if err := m.plainStep(sp.Train.X[k*batch:(k+1)*batch], sp.Train.Y[k*batch:(k+1)*batch], lr); err != nil {
				return TrainReport{}, fmt.Errorf("step %d in float64: %w", step, err)
			}
			step++
		}
	}
	var fixed, float float64
	for i, q := range sp.TestRows {
		a, b := m.score(q, sp.Test.X[i], sp.Test.Y[i])
		fixed += a
		float += b
	}
	n := float64(len(sp.TestRows))
	return TrainReport{Training: resultset.Training{Model: f.Title, Dataset: t.Name, Metric: f.Metric, Epochs: epochs, Batch: batch, LR: lr,
		TrainRows: sp.Train.Rows(), TestRows: len(sp.TestRows), FixedPoint: fixed / n, Float64: float / n}, StepsProved: step,
		Final: m.values(), Train: sp.Train, Test: sp.Test, Quant: sp.TestRows, Dataset: sp.DS}, nil
}

// Plain runs the float64 half of rep's schedule once more, alone: the plain
// training a proof's overhead is held against.
func (f Family) Plain(rep TrainReport, epochs, batch int, lr float64, seed uint64) {
	t := rep.Train
	m := f.newPlain(f.Widths(t.Features()), seed)
	for range epochs {
		for k := 0; k+batch <= t.Rows(); k += batch {
			_ = m.plainStep(t.X[k:k+batch], t.Y[k:k+batch], lr) // the plain steps cannot fail
		}
	}
}

// Regression: the family's score is a loss only (it counts no answers).
func (f Family) Regression() bool { return f.Metric == "mse" }

// InitialModel is the committed values of the family's initial model for
// layer widths w: zero, or seeded (InitialKind).
func (f Family) InitialModel(w []int, seed uint64) []int64 {
	return f.newModel(1, w, 0, seed).values()
}

// A BenchStep is one step of a family as the benchmark harness measures it:
// the middle batch of the seeded split's training rows, committed in
// batches of B, from the family's initial model at its learning rate.
type BenchStep struct {
	Circuit frontend.Circuit                             // the empty step circuit
	Assign  func(curve ecc.ID) (frontend.Circuit, error) // the step's assignment on curve
	Plain   func() func()                                // the same step in float64 on the same rows: each call of the returned function is one step
	Batches int                                          // batches of an epoch
	// Elements is the step's training work: B rows times the model's
	// values (one multiply-accumulate each on the forward pass).
	Elements int
}

// BenchStep is the family's step at batch size b, for the harness.
func (f Family) BenchStep(b int) (BenchStep, error) {
	t, nTrain, err := f.table()
	if err != nil {
		return BenchStep{}, err
	}
	if b < 1 || b > nTrain {
		return BenchStep{}, fmt.Errorf("%s: batch size %d; the training set has %d rows", f.Name, b, nTrain)
	}
	w := f.Widths(t.Features())
	m := f.newModel(b, w, Depth(nTrain, b), 1)
	sp, err := NewSplit(t, 1, nTrain, b, m.params().Data)
	if err != nil {
		return BenchStep{}, err
	}
	k, lr := sp.DS.NumBatches()/2, f.LR
	lrInt := int64(math.Round(lr * float64(int64(1)<<m.params().LRFrac)))
	sh := f.Shape(Dims{B: b, Depth: sp.DS.Depth(), Widths: w})
	x, y := sp.Train.X[k*b:(k+1)*b], sp.Train.Y[k*b:(k+1)*b]
	return BenchStep{Circuit: sh.StepCircuit(), Batches: sp.DS.NumBatches(), Elements: b * sh.Domain.Values,
		Assign: func(curve ecc.ID) (frontend.Circuit, error) {
			ds, err := sp.DS.On(curve)
			if err != nil {
				return nil, err
			}
			c, _, err := sh.AssignStep(ds, k, m.values(), lrInt)
			return c, err
		},
		Plain: func() func() {
			p := f.newPlain(w, 1)
			return func() { _ = p.plainStep(x, y, lr) } // the plain steps cannot fail
		}}, nil
}

func (f Family) table() (*datasets.Table, int, error) {
	if f.load != nil {
		t, err := f.load()
		if err != nil {
			return nil, 0, err
		}
		return t, f.split(t.Rows()), nil
	}
	t, err := datasets.Load(f.Dataset)
	return t, f.NTrain, err
}

// TrainAll runs every family's training comparison at batch 32, seed 1.
func TrainAll() ([]resultset.Training, error) {
	var out []resultset.Training
	for _, f := range families {
		r, err := f.Train(f.CompareEpochs, 32, f.LR, 1, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Training)
	}
	return out, nil
}

// classes turns float labels of a batch into class indices.
func classes(y []float64) []int {
	out := make([]int, len(y))
	for i, v := range y {
		out[i] = int(v)
	}
	return out
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// chainOf gives a shape chains of K steps of st.
func chainOf(s *Shape, st chain.Stepper, dm Dims) {
	params := func(k int, wrap bool) chain.Params {
		p := chain.Params{K: k, Step: st, Wrap: wrap}
		if dm.Revision >= 2 && dm.Batches > 0 && k%dm.Batches == 0 {
			p.Set = dm.Batches // whole epochs: each batch hashed once, the root from all leaves
		}
		return p
	}
	s.ChainCircuit = func(k int, wrap bool) frontend.Circuit { return chain.NewCircuit(params(k, wrap)) }
	s.AssignChain = func(ds *commit.Dataset, first, k int, wrap bool, m []int64, lr int64) (frontend.Circuit, []int64, error) {
		return params(k, wrap).Assign(ds, first, m, lr)
	}
}

func decoder(dec func(int64) float64) func([]int64) []float64 {
	return func(m []int64) []float64 {
		out := make([]float64, len(m))
		for i, v := range m {
			out[i] = dec(v)
		}
		return out
	}
}
