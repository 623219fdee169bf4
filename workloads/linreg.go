package workloads

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/training"
)

// Linear-regression workloads: "linreg/B=..,D=.." on a seeded synthetic table
// of 8 batches, and "linreg-diabetes/B=.." on the real diabetes data (D=10).
const linregBatches = 8

// linregLR is the learning rate of every linear and logistic benchmark step
// (and the encrypted ones): least squares' (package training).
var linregLR = training.LinReg.LR

// FileFamily is the "linreg-file" family: one least-squares step on a CSV
// (features then target, comma-separated, skip header lines), standardised.
// Without clip, a value that does not fit the data format after
// standardising is an error. With an empty path the family asks for one.
func FileFamily(path string, skip int, clip bool) bench.FamilyDef {
	return bench.FamilyDef{Name: "linreg-file", Bench: "LinRegFile", Example: "B=32", Keys: []string{"B"}, OptIn: true,
		New: func(s map[string]int) (bench.Workload, error) {
			if path == "" {
				return nil, fmt.Errorf("linreg-file workloads train on your data: name the CSV with -dataset FILE")
			}
			t, err := datasets.LoadFile(path, skip)
			if err != nil {
				return nil, err
			}
			t = t.Standardize()
			if !clip {
				if _, err := t.QuantizeStrict(linreg.DefaultParams(1, 1, 0).Data); err != nil {
					return nil, fmt.Errorf("%w (pass -clip to saturate such values)", err)
				}
			}
			return newLinReg(fmt.Sprintf("linreg-file/B=%d", s["B"]), t, s["B"])
		}}
}

func linregFamilies() (out []bench.FamilyDef) {
	out = append(out, bench.FamilyDef{Name: "linreg", Bench: "LinReg", Example: "B=32,D=32", Keys: []string{"B", "D"}, New: func(s map[string]int) (bench.Workload, error) {
		t := datasets.Synthetic(s["B"]*linregBatches, s["D"], 1)
		return newLinReg(fmt.Sprintf("linreg/B=%d,D=%d", s["B"], s["D"]), t, s["B"])
	}})
	out = append(out, bench.FamilyDef{Name: "logreg", Bench: "LogRegCancer", Example: "B=32", Keys: []string{"B"}, New: func(s map[string]int) (bench.Workload, error) {
		t, err := datasets.BreastCancer()
		if err != nil {
			return nil, err
		}
		return newLinearModel(fmt.Sprintf("logreg/B=%d", s["B"]), t.Shuffle(1).Standardize(), s["B"], true)
	}})
	out = append(out, bench.FamilyDef{Name: "linreg-diabetes", Bench: "LinRegDiabetes", Example: "B=32", Keys: []string{"B"}, New: func(s map[string]int) (bench.Workload, error) {
		t, err := datasets.Diabetes()
		if err != nil {
			return nil, err
		}
		return newLinReg(fmt.Sprintf("linreg-diabetes/B=%d", s["B"]), t.Standardize(), s["B"])
	}})
	return out
}

type linRegWorkload struct {
	name     string
	logistic bool // logistic regression (labels 0/1) instead of least squares
	params   linreg.Params
	ds       *commit.Dataset
	model    linreg.Model
	lr       int64
	batch    int

	// the same batch and model, decoded, for the plain step
	x    [][]float64
	y    []float64
	w    []float64
	bias float64
	lrF  float64
}

func newLinReg(name string, t *datasets.Table, b int) (*linRegWorkload, error) {
	return newLinearModel(name, t, b, false)
}

func newLinearModel(name string, t *datasets.Table, b int, logistic bool) (*linRegWorkload, error) {
	d := t.Features()
	p := linreg.DefaultParams(b, d, commit.Depth(t.Rows()/max(b, 1)))
	sb, err := newStepBatch(name, t, b, p.Data)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(2, uint64(d)))
	m := linreg.Model{W: make([]int64, d)}
	for j := range m.W {
		m.W[j] = int64((rng.Float64() - 0.5) * p.Model.Scale())
	}
	w := &linRegWorkload{name: name, logistic: logistic, params: p, ds: sb.ds, model: m,
		lr: int64(linregLR * float64(int64(1)<<p.LRFrac)), batch: sb.batch, x: sb.x, y: sb.y}
	for _, v := range m.W {
		w.w = append(w.w, p.Model.Decode(v))
	}
	w.bias = p.Model.Decode(m.Bias)
	w.lrF = float64(w.lr) / float64(int64(1)<<p.LRFrac)
	return w, nil
}

func (w *linRegWorkload) Name() string  { return w.name }
func (w *linRegWorkload) Elements() int { return w.params.B * w.params.D }
func (w *linRegWorkload) logParams() logreg.Params {
	p := logreg.Params{Params: w.params, SigmoidFrac: logreg.DefaultParams(1, 1, 0).SigmoidFrac}
	p.Lanes = p.ClassifierLanesPay()
	return p
}

func (w *linRegWorkload) Circuit() frontend.Circuit {
	if w.logistic {
		return logreg.NewCircuit(w.logParams())
	}
	return linreg.NewCircuit(w.params)
}

func (w *linRegWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	ds, err := w.ds.On(curve)
	if err != nil {
		return nil, err
	}
	if w.logistic {
		c, _, err := w.logParams().Assign(ds, w.batch, w.model, w.lr)
		return c, err
	}
	c, _, err := w.params.Assign(ds, w.batch, w.model, w.lr)
	return c, err
}

func (w *linRegWorkload) Plain() func() {
	weights := append([]float64{}, w.w...)
	bias := w.bias
	grad := make([]float64, len(weights))
	var act func(float64) float64
	if w.logistic {
		act = training.Sigmoid
	}
	return func() { bias = training.LinearPlainStep(w.x, w.y, weights, bias, w.lrF, act, grad) }
}

// PlainBLAS is the same step with gonum's BLAS-backed matrices.
func (w *linRegWorkload) PlainBLAS() func() {
	b, d := len(w.x), len(w.w)
	x := mat.NewDense(b, d, nil)
	for i, r := range w.x {
		x.SetRow(i, r)
	}
	y := mat.NewVecDense(b, append([]float64{}, w.y...))
	weights := mat.NewVecDense(d, append([]float64{}, w.w...))
	bias := w.bias
	e := mat.NewVecDense(b, nil)
	g := mat.NewVecDense(d, nil)
	scale := w.lrF / float64(b)
	logistic := w.logistic
	return func() {
		e.MulVec(x, weights)
		for i := 0; i < b; i++ {
			z := e.AtVec(i) + bias
			if logistic {
				z = 1 / (1 + math.Exp(-z))
			}
			e.SetVec(i, z)
		}
		e.SubVec(e, y)
		g.MulVec(x.T(), e)
		weights.AddScaledVec(weights, -scale, g)
		bias -= scale * mat.Sum(e)
	}
}

// EpochSteps is the number of batches in the workload's dataset: the steps
// of one epoch.
func (w *linRegWorkload) EpochSteps() int { return w.ds.NumBatches() }

// linreg-naive: the same step and data as "linreg", built the naive way
// (MiMC over every value, one Merkle path per row, every product rescaled),
// so that the factor gained by the optimised circuit is measured in one run.
func naiveFamilies() (out []bench.FamilyDef) {
	out = append(out, bench.FamilyDef{Name: "linreg-naive", Bench: "LinRegNaive", Example: "B=16,D=16", Keys: []string{"B", "D"}, New: func(s map[string]int) (bench.Workload, error) {
		t := datasets.Synthetic(s["B"]*linregBatches, s["D"], 1)
		base, err := newLinReg(fmt.Sprintf("linreg-naive/B=%d,D=%d", s["B"], s["D"]), t, s["B"])
		if err != nil {
			return nil, err
		}
		nds, err := linreg.NewNaiveDataset(ecc.BN254, base.ds.Rows, s["B"])
		if err != nil {
			return nil, err
		}
		p := base.params
		p.Depth = nds.Depth()
		return &naiveLinRegWorkload{linRegWorkload: base, nds: map[ecc.ID]*linreg.NaiveDataset{ecc.BN254: nds}, np: p}, nil
	}})
	return out
}

type naiveLinRegWorkload struct {
	*linRegWorkload
	mu  sync.Mutex
	nds map[ecc.ID]*linreg.NaiveDataset // the row tree, per curve
	np  linreg.Params
}

func (w *naiveLinRegWorkload) Circuit() frontend.Circuit { return linreg.NewNaiveCircuit(w.np) }

func (w *naiveLinRegWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	w.mu.Lock()
	nds, ok := w.nds[curve]
	if !ok {
		var err error
		if nds, err = linreg.NewNaiveDataset(curve, w.ds.Rows, w.np.B); err != nil {
			w.mu.Unlock()
			return nil, err
		}
		w.nds[curve] = nds
	}
	w.mu.Unlock()
	c, _, err := w.np.AssignNaive(nds, w.batch, w.model, w.lr)
	return c, err
}
