package workloads

import (
	"fmt"
	"math/rand/v2"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/training"
)

// softmaxLR is the learning rate of the softmax steps (package training).
var softmaxLR = training.Softmax.LR

// Softmax workloads: "softmax/B=32" is one step of 10-class softmax
// regression on the digits data (64 features).
func softmaxFamilies() (out []bench.FamilyDef) {
	out = append(out, bench.FamilyDef{Name: "softmax", Bench: "SoftmaxDigits", Example: "B=32", Keys: []string{"B"}, New: func(s map[string]int) (bench.Workload, error) {
		t, err := datasets.Digits()
		if err != nil {
			return nil, err
		}
		return newSoftmax(fmt.Sprintf("softmax/B=%d", s["B"]), t.Shuffle(1).Standardize(), s["B"])
	}})
	return out
}

type softmaxWorkload struct {
	name  string
	p     softmax.Params
	ds    *commit.Dataset
	model softmax.Model
	lr    int64
	batch int

	x   [][]float64
	y   []int
	w   [][]float64 // K × D
	b   []float64
	lrF float64
}

func newSoftmax(name string, t *datasets.Table, b int) (*softmaxWorkload, error) {
	p := softmax.DefaultParams(b, t.Features(), t.Classes, commit.Depth(t.Rows()/max(b, 1)))
	sb, err := newStepBatch(name, t, b, p.Data)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(3, uint64(p.D)))
	m := p.Zero()
	for k := range m.Classes {
		for j := range m.Classes[k].W {
			m.Classes[k].W[j] = int64((rng.Float64() - 0.5) * 0.2 * p.Model.Scale())
		}
	}
	w := &softmaxWorkload{name: name, p: p, ds: sb.ds, model: m, lr: int64(softmaxLR * float64(int64(1)<<p.LRFrac)), batch: sb.batch, x: sb.x, y: sb.labels}
	for _, c := range m.Classes {
		wk := make([]float64, p.D)
		for j, v := range c.W {
			wk[j] = p.Model.Decode(v)
		}
		w.w, w.b = append(w.w, wk), append(w.b, p.Model.Decode(c.Bias))
	}
	w.lrF = float64(w.lr) / float64(int64(1)<<p.LRFrac)
	return w, nil
}

func (w *softmaxWorkload) Name() string              { return w.name }
func (w *softmaxWorkload) Elements() int             { return w.p.B * w.p.D * w.p.K }
func (w *softmaxWorkload) Circuit() frontend.Circuit { return softmax.NewCircuit(w.p) }
func (w *softmaxWorkload) EpochSteps() int           { return w.ds.NumBatches() }

func (w *softmaxWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	ds, err := w.ds.On(curve)
	if err != nil {
		return nil, err
	}
	c, _, err := w.p.Assign(ds, w.batch, w.model, w.lr)
	return c, err
}

func (w *softmaxWorkload) Plain() func() {
	weights := make([][]float64, len(w.w))
	for k := range w.w {
		weights[k] = append([]float64{}, w.w[k]...)
	}
	bias := append([]float64{}, w.b...)
	return func() { training.SoftmaxPlainStep(w.x, w.y, weights, bias, w.lrF) }
}

// PlainBLAS is the same step with gonum matrices: Z = XWᵀ, G = Eᵀ X.
func (w *softmaxWorkload) PlainBLAS() func() {
	bsz, d, k := len(w.x), w.p.D, w.p.K
	x := mat.NewDense(bsz, d, nil)
	for i, r := range w.x {
		x.SetRow(i, r)
	}
	weights := mat.NewDense(k, d, nil)
	for c := range w.w {
		weights.SetRow(c, w.w[c])
	}
	bias := append([]float64{}, w.b...)
	z := mat.NewDense(bsz, k, nil)
	g := mat.NewDense(k, d, nil)
	scale := w.lrF / float64(bsz)
	return func() {
		z.Mul(x, weights.T())
		for i := 0; i < bsz; i++ {
			row := z.RawRowView(i)
			for c := range row {
				row[c] += bias[c]
			}
			training.SoftmaxInPlace(row)
			row[w.y[i]]--
		}
		g.Mul(z.T(), x)
		weights.Sub(weights, scaled(g, scale))
		for c := 0; c < k; c++ {
			bias[c] -= scale * mat.Sum(z.ColView(c))
		}
	}
}

func scaled(m *mat.Dense, s float64) *mat.Dense {
	m.Scale(s, m)
	return m
}
