package workloads

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/resultset"
)

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
	if b > t.Rows() {
		return nil, fmt.Errorf("%s: batch size %d is larger than the dataset (%d rows)", name, b, t.Rows())
	}
	p := softmax.DefaultParams(b, t.Features(), t.Classes, commit.Depth(t.Rows()/b))
	rows, _, err := t.Quantize(p.Data)
	if err != nil {
		return nil, err
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, b, p.Data)
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
	w := &softmaxWorkload{name: name, p: p, ds: ds, model: m, lr: int64(0.1 * float64(int64(1)<<p.LRFrac)), batch: ds.NumBatches() / 2}
	for _, r := range ds.Batch(w.batch) {
		xr := make([]float64, p.D)
		for j := range xr {
			xr[j] = p.Data.Decode(r[j])
		}
		w.x, w.y = append(w.x, xr), append(w.y, int(r[p.D]))
	}
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
	return func() { SoftmaxPlainStep(w.x, w.y, weights, bias, w.lrF) }
}

// SoftmaxPlainStep is one mini-batch SGD step of softmax regression in
// float64 (w is K × D, updated in place with b).
func SoftmaxPlainStep(x [][]float64, y []int, w [][]float64, b []float64, lr float64) {
	k := len(w)
	gw := make([][]float64, k)
	for c := range gw {
		gw[c] = make([]float64, len(w[c]))
	}
	gb := make([]float64, k)
	z := make([]float64, k)
	for i, row := range x {
		for c := range w {
			z[c] = b[c]
			for j, v := range row {
				z[c] += v * w[c][j]
			}
		}
		softmaxInPlace(z)
		for c := range z {
			e := z[c]
			if c == y[i] {
				e--
			}
			for j, v := range row {
				gw[c][j] += v * e
			}
			gb[c] += e
		}
	}
	scale := lr / float64(len(x))
	for c := range w {
		for j := range w[c] {
			w[c][j] -= scale * gw[c][j]
		}
		b[c] -= scale * gb[c]
	}
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
			softmaxInPlace(row)
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

// TrainSoftmaxDigits trains softmax regression on digits (seeded shuffle,
// 1437 rows to train, 360 to test) and reports test accuracy both ways.
func TrainSoftmaxDigits(epochs, batch int, lr float64, seed uint64, snap func(step, batch int, ds *commit.Dataset, m softmax.Model, lr int64)) (TrainReport, error) {
	t, err := datasets.Digits()
	if err != nil {
		return TrainReport{}, err
	}
	p := softmax.DefaultParams(batch, t.Features(), t.Classes, depth(1437, batch))
	sp, err := newSplit(t, seed, 1437, batch, p.Data)
	if err != nil {
		return TrainReport{}, err
	}
	trainS, testS, testRows, ds := sp.train, sp.test, sp.testRows, sp.ds
	lrInt := int64(math.Round(lr * float64(int64(1)<<p.LRFrac)))
	m := p.Zero()
	w := make([][]float64, p.K)
	for c := range w {
		w[c] = make([]float64, p.D)
	}
	b := make([]float64, p.K)
	step := 0
	for range epochs {
		for k := 0; k < ds.NumBatches(); k++ {
			if snap != nil {
				snap(step, k, ds, m.Clone(), lrInt)
			}
			if m, err = p.NativeStep(m, ds.Batch(k), lrInt); err != nil {
				return TrainReport{}, fmt.Errorf("step %d: %w", step, err)
			}
			ys := make([]int, batch)
			for i := range ys {
				ys[i] = int(trainS.Y[k*batch+i])
			}
			SoftmaxPlainStep(trainS.X[k*batch:(k+1)*batch], ys, w, b, lr)
			step++
		}
	}
	var fixedOK, floatOK int
	for i, r := range testRows {
		label := int(testS.Y[i])
		if p.Predict(m, r[:p.D]) == label {
			fixedOK++
		}
		best, bestZ := 0, math.Inf(-1)
		for c := range w {
			z := b[c]
			for j, x := range testS.X[i] {
				z += x * w[c][j]
			}
			if z > bestZ {
				best, bestZ = c, z
			}
		}
		if best == label {
			floatOK++
		}
	}
	n := float64(len(testRows))
	return TrainReport{Training: resultset.Training{Model: "softmax", Dataset: "digits", Metric: "accuracy", Epochs: epochs, Batch: batch, LR: lr,
		TrainRows: trainS.Rows(), TestRows: len(testRows), FixedPoint: float64(fixedOK) / n, Float64: float64(floatOK) / n}, StepsProved: step,
		Train: trainS, Test: testS, Quant: testRows, Dataset: ds}, nil
}

// softmaxInPlace turns logits into probabilities, subtracting the maximum first.
func softmaxInPlace(z []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	var s float64
	for k := range z {
		z[k] = math.Exp(z[k] - mx)
		s += z[k]
	}
	for k := range z {
		z[k] /= s
	}
}
