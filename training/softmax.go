package training

import (
	"math"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/circuits/softmax"
)

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
		SoftmaxInPlace(z)
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

// Softmax is softmax regression on digits (1437 rows train, 360 test): test
// accuracy.
var Softmax = Family{Name: "softmax", Title: "softmax", Dataset: "digits", NTrain: 1437, Metric: "accuracy", Classes: 10, LR: 0.1, CompareEpochs: 3,
	BenchSizes: []string{"B=8", "B=16", "B=32"}, DefaultSizes: []string{"B=8", "B=16"},
	Initial: "all weights and biases zero", InitialKind: "zero", clip: true, ScoreInputs: 4,
	Widths: func(d int) []int { return []int{d, 10} },
	Shape: func(dm Dims) Shape {
		p := softmax.DefaultParams(dm.B, dm.Widths[0], dm.Widths[1], dm.Depth)
		p.Lanes = p.Lanes && dm.Revision >= 2 // where they pay
		p.LimbChecks = dm.Revision >= 3
		s := Shape{Widths: []int{p.D, p.K}, Domain: p.ModelDomain(),
			StepCircuit: func() frontend.Circuit { return softmax.NewCircuit(p) },
			AssignStep: func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
				c, next, err := p.Assign(ds, k, p.FromValues(m), lr)
				return c, next.Values(), err
			},
			Decode: decoder(p.Model.Decode)}
		chainOf(&s, p, dm)
		classScore(&s, score.ClassParams{N: dm.TestRows, Model: p})
		return s
	},
	newModel: func(b int, w []int, depth int, _ uint64) model {
		p := softmax.DefaultParams(b, w[0], w[1], depth)
		return &softmaxModel{p: p, softmaxPlain: newSoftmaxPlain(w), fixed: &fixed[softmax.Model]{base: p.Params, m: p.Zero(), native: p.NativeStep}}
	},
	newPlain: func(w []int, _ uint64) plain { return newSoftmaxPlain(w) },
}

// softmaxPlain is the float64 twin: K × D weights and K biases.
type softmaxPlain struct {
	w [][]float64
	b []float64
}

func newSoftmaxPlain(widths []int) *softmaxPlain {
	s := &softmaxPlain{w: make([][]float64, widths[1]), b: make([]float64, widths[1])}
	for c := range s.w {
		s.w[c] = make([]float64, widths[0])
	}
	return s
}

// softmaxModel is softmax regression both ways.
type softmaxModel struct {
	*softmaxPlain
	*fixed[softmax.Model]
	p softmax.Params
}

func (s *softmaxPlain) plainStep(x [][]float64, y []float64, lr float64) error {
	SoftmaxPlainStep(x, classes(y), s.w, s.b, lr)
	return nil
}

func (s *softmaxModel) score(q []int64, x []float64, y float64) (float64, float64) {
	best, bestZ := 0, math.Inf(-1)
	for c := range s.w {
		z := s.b[c]
		for j, v := range x {
			z += v * s.w[c][j]
		}
		if z > bestZ {
			best, bestZ = c, z
		}
	}
	return boolFloat(s.p.Predict(s.m, q[:s.p.D]) == int(y)), boolFloat(best == int(y))
}

// classScore gives a K-class model's shape its held-out accuracy proof.
func classScore(s *Shape, cp score.ClassParams) {
	s.ScoreCircuit = func() frontend.Circuit { return score.NewClassScore(cp) }
	s.AssignScore = func(curve ecc.ID, rows [][]int64, m []int64) (frontend.Circuit, *commit.Dataset, *big.Int, int64, error) {
		set, err := cp.ClassSet(rows)
		if err == nil {
			set, err = set.On(curve)
		}
		if err != nil {
			return nil, nil, nil, 0, err
		}
		c, err := cp.AssignClassScore(set, m)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		return c, set, nil, c.Correct.(int64), nil
	}
}

// SoftmaxInPlace turns logits into probabilities, subtracting the maximum first.
func SoftmaxInPlace(z []float64) {
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
