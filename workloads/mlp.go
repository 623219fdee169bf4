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
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/resultset"
)

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

// mlpHidden is the hidden width of the MLP workloads.
const mlpHidden = 32

// InitMLP returns seeded small random weights (uniform in ±1/sqrt(fan-in))
// both in fixed point and as the float64 values they encode.
func InitMLP(p mlp.Params, seed uint64) (mlp.Model, MLPFloat) {
	rng := rand.New(rand.NewPCG(seed, 0x31))
	m := p.Zero()
	f := MLPFloat{W1: make([][]float64, p.H), B1: make([]float64, p.H), W2: make([][]float64, p.K), B2: make([]float64, p.K)}
	for h := range m.Hidden {
		f.W1[h] = make([]float64, p.D)
		for j := range m.Hidden[h].W {
			v := int64((2*rng.Float64() - 1) / math.Sqrt(float64(p.D)) * p.Model.Scale())
			m.Hidden[h].W[j], f.W1[h][j] = v, p.Model.Decode(v)
		}
	}
	for k := range m.Output {
		f.W2[k] = make([]float64, p.H)
		for h := range m.Output[k].W {
			v := int64((2*rng.Float64() - 1) / math.Sqrt(float64(p.H)) * p.Model.Scale())
			m.Output[k].W[h], f.W2[k][h] = v, p.Model.Decode(v)
		}
	}
	return m, f
}

// MLPFloat is the float64 network: W1 is H × D, W2 is K × H.
type MLPFloat struct {
	W1 [][]float64
	B1 []float64
	W2 [][]float64
	B2 []float64
}

func (f MLPFloat) clone() MLPFloat {
	c := MLPFloat{B1: append([]float64{}, f.B1...), B2: append([]float64{}, f.B2...)}
	for _, r := range f.W1 {
		c.W1 = append(c.W1, append([]float64{}, r...))
	}
	for _, r := range f.W2 {
		c.W2 = append(c.W2, append([]float64{}, r...))
	}
	return c
}

// forward returns hidden activations and output probabilities.
func (f MLPFloat) forward(x []float64) ([]float64, []float64) {
	r := make([]float64, len(f.W1))
	for h, w := range f.W1 {
		a := f.B1[h]
		for j, v := range x {
			a += v * w[j]
		}
		r[h] = math.Max(a, 0)
	}
	z := make([]float64, len(f.W2))
	for k, w := range f.W2 {
		z[k] = f.B2[k]
		for h, v := range r {
			z[k] += v * w[h]
		}
	}
	softmaxInPlace(z)
	return r, z
}

// MLPPlainStep is one mini-batch SGD step of the network in float64, as
// plainly as the circuit states it; f is updated in place.
func MLPPlainStep(x [][]float64, y []int, f MLPFloat, lr float64) {
	g := MLPFloat{W1: make([][]float64, len(f.W1)), B1: make([]float64, len(f.B1)), W2: make([][]float64, len(f.W2)), B2: make([]float64, len(f.B2))}
	for h := range g.W1 {
		g.W1[h] = make([]float64, len(f.W1[h]))
	}
	for k := range g.W2 {
		g.W2[k] = make([]float64, len(f.W2[k]))
	}
	for i, row := range x {
		r, p := f.forward(row)
		p[y[i]]--
		for h := range r {
			var dh float64
			for k := range p {
				dh += p[k] * f.W2[k][h]
			}
			if r[h] > 0 {
				for j, v := range row {
					g.W1[h][j] += dh * v
				}
				g.B1[h] += dh
			}
		}
		for k := range p {
			for h, v := range r {
				g.W2[k][h] += p[k] * v
			}
			g.B2[k] += p[k]
		}
	}
	s := lr / float64(len(x))
	for h := range f.W1 {
		for j := range f.W1[h] {
			f.W1[h][j] -= s * g.W1[h][j]
		}
		f.B1[h] -= s * g.B1[h]
	}
	for k := range f.W2 {
		for h := range f.W2[k] {
			f.W2[k][h] -= s * g.W2[k][h]
		}
		f.B2[k] -= s * g.B2[k]
	}
}

type mlpWorkload struct {
	name  string
	p     mlp.Params
	ds    *commit.Dataset
	model mlp.Model
	f     MLPFloat
	lr    int64
	batch int
	x     [][]float64
	y     []int
	lrF   float64
}

func newMLP(name string, t *datasets.Table, b int, freivalds bool) (*mlpWorkload, error) {
	if b > t.Rows() {
		return nil, fmt.Errorf("%s: batch size %d is larger than the dataset (%d rows)", name, b, t.Rows())
	}
	p := mlp.DefaultParams(b, t.Features(), mlpHidden, t.Classes, commit.Depth(t.Rows()/b), freivalds)
	rows, _, err := t.Quantize(p.Data)
	if err != nil {
		return nil, err
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, b, p.Data)
	if err != nil {
		return nil, err
	}
	m, f := InitMLP(p, 1)
	w := &mlpWorkload{name: name, p: p, ds: ds, model: m, f: f, lr: int64(0.1 * float64(int64(1)<<p.LRFrac)), batch: ds.NumBatches() / 2}
	for _, r := range ds.Batch(w.batch) {
		xr := make([]float64, p.D)
		for j := range xr {
			xr[j] = p.Data.Decode(r[j])
		}
		w.x, w.y = append(w.x, xr), append(w.y, int(r[p.D]))
	}
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
	f := w.f.clone()
	return func() { MLPPlainStep(w.x, w.y, f, w.lrF) }
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
			softmaxInPlace(row)
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

// TrainMLPDigits trains the 64-32-10 network on digits (seeded shuffle, 1437
// rows to train, 360 to test) from the same initial weights both ways and
// reports test accuracy.
func TrainMLPDigits(epochs, batch int, lr float64, seed uint64, snap func(step, batch int, ds *commit.Dataset, m mlp.Model, lr int64)) (TrainReport, error) {
	t, err := datasets.Digits()
	if err != nil {
		return TrainReport{}, err
	}
	p := mlp.DefaultParams(batch, t.Features(), mlpHidden, t.Classes, depth(1437, batch), true)
	sp, err := newSplit(t, seed, 1437, batch, p.Data)
	if err != nil {
		return TrainReport{}, err
	}
	trainS, testS, testRows, ds := sp.train, sp.test, sp.testRows, sp.ds
	lrInt := int64(math.Round(lr * float64(int64(1)<<p.LRFrac)))
	m, f := InitMLP(p, seed)
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
			MLPPlainStep(trainS.X[k*batch:(k+1)*batch], ys, f, lr)
			step++
		}
	}
	var fixedOK, floatOK int
	for i, r := range testRows {
		label := int(testS.Y[i])
		if c, err := p.Predict(m, r[:p.D]); err == nil && c == label {
			fixedOK++
		}
		_, probs := f.forward(testS.X[i])
		best := 0
		for k, v := range probs {
			if v > probs[best] {
				best = k
			}
		}
		if best == label {
			floatOK++
		}
	}
	n := float64(len(testRows))
	return TrainReport{Training: resultset.Training{Model: "mlp 64-32-10", Dataset: "digits", Metric: "accuracy", Epochs: epochs, Batch: batch, LR: lr,
		TrainRows: trainS.Rows(), TestRows: len(testRows), FixedPoint: float64(fixedOK) / n, Float64: float64(floatOK) / n}, StepsProved: step,
		Train: trainS, Test: testS, Quant: testRows, Dataset: ds}, nil
}
