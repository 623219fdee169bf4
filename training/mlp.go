package training

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/resultset"
)

// MLPHidden is the hidden width of the MLP workloads.
const MLPHidden = 32

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

func (f MLPFloat) Clone() MLPFloat {
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
func (f MLPFloat) Forward(x []float64) ([]float64, []float64) {
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
	SoftmaxInPlace(z)
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
		r, p := f.Forward(row)
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

// TrainMLPDigits trains the 64-32-10 network on digits (seeded shuffle, 1437
// rows to train, 360 to test) from the same initial weights both ways and
// reports test accuracy.
func TrainMLPDigits(epochs, batch int, lr float64, seed uint64, snap func(step, batch int, ds *commit.Dataset, m mlp.Model, lr int64)) (TrainReport, error) {
	t, err := datasets.Digits()
	if err != nil {
		return TrainReport{}, err
	}
	p := mlp.DefaultParams(batch, t.Features(), MLPHidden, t.Classes, Depth(1437, batch), true)
	sp, err := NewSplit(t, seed, 1437, batch, p.Data)
	if err != nil {
		return TrainReport{}, err
	}
	trainS, testS, testRows, ds := sp.Train, sp.Test, sp.TestRows, sp.DS
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
		_, probs := f.Forward(testS.X[i])
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
