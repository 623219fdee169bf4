package workloads

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/training"
)

// Quality workloads on breast_cancer's held-out rows: "quality/N=64" proves
// the log-loss and accuracy of the trained logistic model on N held-out rows;
// "improve/N=64" proves that the trained model beats the model after its
// first epoch on them. The plain baseline evaluates the same rows in float64.

// logregLR is the logistic family's learning rate (package training).
var logregLR = training.LogReg.LR

func qualityFamilies() (out []bench.FamilyDef) {
	for _, kind := range []string{"quality", "improve"} {
		out = append(out, bench.FamilyDef{Name: kind, Bench: map[string]string{"quality": "QualityScore", "improve": "QualityImprove"}[kind],
			Example: "N=64", Keys: []string{"N"}, New: func(s map[string]int) (bench.Workload, error) {
				return newQuality(kind, s["N"])
			}})
	}
	return out
}

type qualityWorkload struct {
	name          string
	p             score.Params
	set           *commit.Dataset
	early, final  linreg.Model
	improve       bool
	x             [][]float64
	y             []float64
	wEarly, wLate []float64
	bEarly, bLate float64
}

func newQuality(kind string, n int) (*qualityWorkload, error) {
	var early linreg.Model
	rep, err := training.LogReg.Train(5, 32, logregLR, 1, func(s training.Snapshot) {
		if s.Step == 14 { // the end of the first epoch
			early = linreg.FromValues(s.Model)
		}
	})
	if err != nil {
		return nil, err
	}
	if n > len(rep.Quant) {
		return nil, fmt.Errorf("%s: %d held-out rows asked, breast_cancer's test Split has %d", kind, n, len(rep.Quant))
	}
	p := score.Params{N: n, Logistic: true, Model: logreg.DefaultParams(1, len(rep.Final)-1, 0)}
	set, err := p.HeldoutSet(rep.Quant[:n])
	if err != nil {
		return nil, err
	}
	w := &qualityWorkload{name: fmt.Sprintf("%s/N=%d", kind, n), p: p, set: set, early: early, final: linreg.FromValues(rep.Final), improve: kind == "improve",
		x: rep.Test.X[:n], y: rep.Test.Y[:n]}
	dec := func(m linreg.Model) ([]float64, float64) {
		out := make([]float64, len(m.W))
		for j, v := range m.W {
			out[j] = p.Model.Model.Decode(v)
		}
		return out, p.Model.Model.Decode(m.Bias)
	}
	w.wEarly, w.bEarly = dec(early)
	w.wLate, w.bLate = dec(w.final)
	return w, nil
}

func (w *qualityWorkload) Name() string  { return w.name }
func (w *qualityWorkload) Elements() int { return w.p.N * w.p.Model.D }

func (w *qualityWorkload) Circuit() frontend.Circuit {
	if w.improve {
		return score.NewImprovement(w.p)
	}
	return score.NewScore(w.p)
}

func (w *qualityWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	set, err := w.set.On(curve)
	if err != nil {
		return nil, err
	}
	if w.improve {
		return w.p.AssignImprovement(set, w.early, w.final, big.NewInt(0))
	}
	return w.p.AssignScore(set, w.final)
}

// Plain evaluates the same rows in float64: log-loss and accuracy (twice,
// for both models, when proving an improvement).
func (w *qualityWorkload) Plain() func() {
	var sink float64
	eval := func(wt []float64, b float64) {
		var loss, correct float64
		for i, x := range w.x {
			z := b
			for j, v := range x {
				z += v * wt[j]
			}
			if w.y[i] == 1 {
				loss += math.Log1p(math.Exp(-z))
			} else {
				loss += math.Log1p(math.Exp(z))
			}
			if (z >= 0) == (w.y[i] == 1) {
				correct++
			}
		}
		sink += loss + correct
	}
	return func() {
		eval(w.wLate, w.bLate)
		if w.improve {
			eval(w.wEarly, w.bEarly)
		}
	}
}

// PlainBLAS is the same evaluation with gonum: logits as one matrix-vector product.
func (w *qualityWorkload) PlainBLAS() func() {
	n, d := len(w.x), len(w.wLate)
	x := mat.NewDense(n, d, nil)
	for i, r := range w.x {
		x.SetRow(i, r)
	}
	late, early := mat.NewVecDense(d, w.wLate), mat.NewVecDense(d, w.wEarly)
	z := mat.NewVecDense(n, nil)
	var sink float64
	eval := func(wt *mat.VecDense, b float64) {
		z.MulVec(x, wt)
		var loss, correct float64
		for i := 0; i < n; i++ {
			zi := z.AtVec(i) + b
			if w.y[i] == 1 {
				loss += math.Log1p(math.Exp(-zi))
			} else {
				loss += math.Log1p(math.Exp(zi))
			}
			if (zi >= 0) == (w.y[i] == 1) {
				correct++
			}
		}
		sink += loss + correct
	}
	return func() {
		eval(late, w.bLate)
		if w.improve {
			eval(early, w.bEarly)
		}
	}
}
