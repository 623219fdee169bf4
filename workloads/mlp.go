package workloads

import (
	"fmt"
	"math"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/training"
)

// mlpLR is the learning rate of the mlp steps (package training).
var mlpLR = training.MLP.LR

// MLP workloads on digits: "mlp/B=32" is one step of a 64-32-10 ReLU network
// with Freivalds-checked products, "mlp-naive/B=32" the same statement with
// every product multiplied out.
func mlpFamilies() (out []bench.FamilyDef) {
	for _, naive := range []bool{false, true} {
		name, goName := "mlp", "MLPDigits"
		if naive {
			name, goName = "mlp-naive", "MLPDigitsNaive"
		}
		out = append(out, bench.FamilyDef{Name: name, Bench: goName, Example: "B=32", Keys: []string{"B"}, New: func(s map[string]int) (bench.Workload, error) {
			t, err := datasets.Digits()
			if err != nil {
				return nil, err
			}
			return newMLP(fmt.Sprintf("%s/B=%d", name, s["B"]), t.Shuffle(1).Standardize(), s["B"], !naive)
		}})
	}
	return out
}

type mlpWorkload struct {
	name  string
	p     mlp.Params
	ds    *commit.Dataset
	model mlp.Model
	f     training.MLPFloat
	lr    int64
	batch int
	x     [][]float64
	y     []int
	lrF   float64
}

func newMLP(name string, t *datasets.Table, b int, freivalds bool) (*mlpWorkload, error) {
	p := mlp.DefaultParams(b, t.Features(), training.MLPHidden, t.Classes, commit.Depth(t.Rows()/max(b, 1)), freivalds)
	sb, err := newStepBatch(name, t, b, p.Data)
	if err != nil {
		return nil, err
	}
	m, f := training.InitMLP(p, 1)
	w := &mlpWorkload{name: name, p: p, ds: sb.ds, model: m, f: f, lr: int64(mlpLR * float64(int64(1)<<p.LRFrac)), batch: sb.batch, x: sb.x, y: sb.labels}
	w.lrF = float64(w.lr) / float64(int64(1)<<p.LRFrac)
	return w, nil
}

func (w *mlpWorkload) Name() string { return w.name }

// Elements counts the multiply-accumulates of the plain step (forward, both
// weight gradients and the hidden error): constraints/elem is constraints per MAC.
func (w *mlpWorkload) Elements() int {
	p := w.p
	return 2*p.B*p.D*p.H + 3*p.B*p.H*p.K
}
func (w *mlpWorkload) Circuit() frontend.Circuit { return mlp.NewCircuit(w.p) }
func (w *mlpWorkload) EpochSteps() int           { return w.ds.NumBatches() }

func (w *mlpWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	ds, err := w.ds.On(curve)
	if err != nil {
		return nil, err
	}
	c, _, err := w.p.Assign(ds, w.batch, w.model, w.lr)
	return c, err
}

func (w *mlpWorkload) Plain() func() {
	f := w.f.Clone()
	return func() { training.MLPPlainStep(w.x, w.y, f, w.lrF) }
}

// PlainBLAS is the same step with gonum matrices.
func (w *mlpWorkload) PlainBLAS() func() {
	p := w.p
	x := mat.NewDense(p.B, p.D, nil)
	for i, r := range w.x {
		x.SetRow(i, r)
	}
	w1, w2 := mat.NewDense(p.H, p.D, nil), mat.NewDense(p.K, p.H, nil)
	for h := range w.f.W1 {
		w1.SetRow(h, w.f.W1[h])
	}
	for k := range w.f.W2 {
		w2.SetRow(k, w.f.W2[k])
	}
	b1, b2 := append([]float64{}, w.f.B1...), append([]float64{}, w.f.B2...)
	a, z := mat.NewDense(p.B, p.H, nil), mat.NewDense(p.B, p.K, nil)
	dh, g1, g2 := mat.NewDense(p.B, p.H, nil), mat.NewDense(p.H, p.D, nil), mat.NewDense(p.K, p.H, nil)
	s := w.lrF / float64(p.B)
	return func() {
		a.Mul(x, w1.T())
		for i := 0; i < p.B; i++ {
			row := a.RawRowView(i)
			for h := range row {
				row[h] = math.Max(row[h]+b1[h], 0)
			}
		}
		z.Mul(a, w2.T())
		for i := 0; i < p.B; i++ {
			row := z.RawRowView(i)
			for k := range row {
				row[k] += b2[k]
			}
			training.SoftmaxInPlace(row)
			row[w.y[i]]--
		}
		dh.Mul(z, w2)
		for i := 0; i < p.B; i++ {
			for h := 0; h < p.H; h++ {
				if a.At(i, h) <= 0 {
					dh.Set(i, h, 0)
				}
			}
		}
		g2.Mul(z.T(), a)
		g1.Mul(dh.T(), x)
		for k := 0; k < p.K; k++ {
			b2[k] -= s * mat.Sum(z.ColView(k))
		}
		for h := 0; h < p.H; h++ {
			b1[h] -= s * mat.Sum(dh.ColView(h))
		}
		g2.Scale(s, g2)
		w2.Sub(w2, g2)
		g1.Scale(s, g1)
		w1.Sub(w1, g1)
	}
}
