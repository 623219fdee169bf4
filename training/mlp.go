package training

import (
	"math"
	"math/rand/v2"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/score"
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

// MLP is the 64-32-10 network (ReLU, softmax) on digits (1437 rows train,
// 360 test), from seeded initial weights: test accuracy.
var MLP = Family{Name: "mlp", Title: "mlp 64-32-10", Dataset: "digits", NTrain: 1437, Metric: "accuracy", Classes: 10, LR: 0.1, CompareEpochs: 3,
	BenchSizes: []string{"B=8", "B=16", "B=32"}, DefaultSizes: []string{"B=8", "B=16"},
	Initial: "seeded uniform weights in ±1/sqrt(fan-in), zero biases (training.InitMLP)", InitialKind: "seeded", clip: true, ScoreInputs: 4,
	Widths: func(d int) []int { return []int{d, MLPHidden, 10} },
	Shape: func(dm Dims) Shape {
		p := mlp.DefaultParams(dm.B, dm.Widths[0], dm.Widths[1], dm.Widths[2], dm.Depth, true)
		p.LimbChecks = dm.Revision >= 3
		s := Shape{Widths: []int{p.D, p.H, p.K}, Domain: p.ModelDomain(),
			StepCircuit: func() frontend.Circuit { return mlp.NewCircuit(p) },
			AssignStep: func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
				c, next, err := p.Assign(ds, k, p.FromValues(m), lr)
				return c, next.Values(), err
			},
			Decode: decoder(p.Model.Decode)}
		chainOf(&s, p, dm)
		classScore(&s, score.ClassParams{N: dm.TestRows, Model: p})
		return s
	},
	newModel: func(b int, w []int, depth int, seed uint64) model {
		p := mlp.DefaultParams(b, w[0], w[1], w[2], depth, true)
		m, f := InitMLP(p, seed)
		return &mlpModel{p: p, mlpPlain: &mlpPlain{f}, fixed: &fixed[mlp.Model]{base: p.Params, m: m, native: p.NativeStep}}
	},
	newPlain: func(w []int, seed uint64) plain {
		_, f := InitMLP(mlp.DefaultParams(1, w[0], w[1], w[2], 0, true), seed)
		return &mlpPlain{f}
	},
}

// mlpPlain is the float64 twin.
type mlpPlain struct{ f MLPFloat }

// mlpModel is the network both ways.
type mlpModel struct {
	*mlpPlain
	*fixed[mlp.Model]
	p mlp.Params
}

func (n *mlpPlain) plainStep(x [][]float64, y []float64, lr float64) error {
	MLPPlainStep(x, classes(y), n.f, lr)
	return nil
}

func (n *mlpModel) score(q []int64, x []float64, y float64) (float64, float64) {
	c, err := n.p.Predict(n.m, q[:n.p.D])
	_, probs := n.f.Forward(x)
	best := 0
	for k, v := range probs {
		if v > probs[best] {
			best = k
		}
	}
	return boolFloat(err == nil && c == int(y)), boolFloat(best == int(y))
}
