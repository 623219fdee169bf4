package training

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
)

// LinReg is least squares on diabetes (354 rows train, 88 test; features
// and target standardised on the training rows): test mean squared error,
// in standard deviations of the target, squared.
var LinReg = linearFamily(false)

// LogReg is logistic regression on breast_cancer (455 rows train, 114
// test): test accuracy.
var LogReg = linearFamily(true)

func linearFamily(logistic bool) Family {
	f := Family{Name: "linreg", Title: "linreg", Dataset: "diabetes", NTrain: 354, Metric: "mse", LR: 0.05, CompareEpochs: 5,
		BenchSizes:   []string{"B=8,D=8", "B=16,D=16", "B=32,D=32", "B=64,D=64"},
		DefaultSizes: []string{"B=8,D=8", "B=16,D=16", "B=32,D=32", "B=64,D=64"},
		Initial:      "all weights and the bias zero", InitialKind: "zero", clip: true, ScoreInputs: 5,
		Widths: func(d int) []int { return []int{d} }}
	if logistic {
		f.Name, f.Title, f.Dataset, f.NTrain, f.Metric, f.Classes, f.LR = "logreg", "logreg", "breast_cancer", 455, "accuracy", 2, 0.1
		f.BenchSizes, f.DefaultSizes = []string{"B=16", "B=32", "B=64"}, []string{"B=16", "B=32"}
	}
	f.newPlain = func(w []int, _ uint64) plain { return newLinearPlain(w[0], logistic) }
	f.newModel = func(b int, w []int, depth int, _ uint64) model {
		d := w[0]
		p := logreg.DefaultParams(b, d, depth)
		native := p.Params.NativeStep
		if logistic {
			native = p.NativeStep
		}
		return &linear{p: p, logistic: logistic, linearPlain: newLinearPlain(d, logistic),
			fixed: &fixed[linreg.Model]{base: p.Params, m: linreg.Model{W: make([]int64, d)}, native: native}}
	}
	f.linear = true
	f.Shape = func(dm Dims) Shape { return linearShape(dm, logistic) }
	// the summed loss: least squares' at scale 2^(2·(Data.Frac+Model.Frac)),
	// the log-loss at 2^Data.Frac
	p := logreg.DefaultParams(1, 1, 0)
	f.LossFrac = 2 * (p.Data.Frac + p.Model.Frac)
	if logistic {
		f.LossFrac = p.Data.Frac
	}
	return f
}

// linear is a linear or logistic model both ways.
type linear struct {
	*linearPlain
	*fixed[linreg.Model]
	p        logreg.Params
	logistic bool
}

// linearPlain is the float64 twin: weights, bias, the activation (nil:
// least squares) and scratch for the gradient.
type linearPlain struct {
	w, grad []float64
	b       float64
	act     func(float64) float64
	other   LinearStep // the step, when not the plain one
}

func newLinearPlain(d int, logistic bool) *linearPlain {
	l := &linearPlain{w: make([]float64, d), grad: make([]float64, d)}
	if logistic {
		l.act = Sigmoid
	}
	return l
}

// A LinearStep is a float64 step of a linear model taken some other way
// (encrypted, or with an approximate sigmoid): the new weights and bias.
type LinearStep func(x [][]float64, y, w []float64, b float64) ([]float64, float64, error)

// WithLinearStep is a linear family whose float64 twin takes its steps with
// step: Train's Float64 is then that twin's test metric.
func (f Family) WithLinearStep(step LinearStep) (Family, error) {
	if !f.linear {
		return Family{}, fmt.Errorf("%s is not a linear family", f.Name)
	}
	newModel := f.newModel
	f.newModel = func(b int, w []int, depth int, seed uint64) model {
		m := newModel(b, w, depth, seed).(*linear)
		m.other = step
		return m
	}
	return f, nil
}

func (l *linearPlain) plainStep(x [][]float64, y []float64, lr float64) (err error) {
	if l.other != nil {
		l.w, l.b, err = l.other(x, y, l.w, l.b)
		return err
	}
	l.b = LinearPlainStep(x, y, l.w, l.b, lr, l.act, l.grad)
	return nil
}

func (l *linear) score(q []int64, x []float64, y float64) (float64, float64) {
	p := l.p
	if l.logistic {
		z := l.b
		for j, v := range x {
			z += v * l.w[j]
		}
		return boolFloat(float64(boolInt(p.Predict(l.m, q[:p.D]) >= 1<<(p.Data.Frac-1))) == y), boolFloat(float64(boolInt(z >= 0)) == y)
	}
	pf := p.Model.Decode(l.m.Bias)
	pw := l.b
	for j := range x {
		pf += p.Data.Decode(int64(math.Round(x[j]*p.Data.Scale()))) * p.Model.Decode(l.m.W[j])
		pw += x[j] * l.w[j]
	}
	return (pf - y) * (pf - y), (pw - y) * (pw - y)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Sigmoid is the exact logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// LinearPlainStep is one mini-batch SGD step of a linear model in float64,
// written as plainly as the circuits state it: the error of row i is
// act(x_i·w + b) − y_i (act nil: the identity, least squares; Sigmoid:
// logistic regression). It updates w in place and returns the new bias;
// grad is scratch of len(w).
func LinearPlainStep(x [][]float64, y, w []float64, b, lr float64, act func(float64) float64, grad []float64) float64 {
	clear(grad)
	var gb float64
	for i, row := range x {
		z := b
		for j, v := range row {
			z += v * w[j]
		}
		if act != nil {
			z = act(z)
		}
		e := z - y[i]
		for j, v := range row {
			grad[j] += v * e
		}
		gb += e
	}
	scale := lr / float64(len(x))
	for j := range w {
		w[j] -= scale * grad[j]
	}
	return b - scale*gb
}

// linearShape is the linear families' circuits: the step, chains of K
// steps and the held-out loss.
func linearShape(dm Dims, logistic bool) Shape {
	p := logreg.DefaultParams(dm.B, dm.Widths[0], dm.Depth)
	if !logistic {
		p.Params = linreg.DefaultParams(dm.B, dm.Widths[0], dm.Depth)
	}
	p.Lanes = p.Lanes && dm.Revision >= 2 // where they pay
	p.SharedTable = dm.Revision >= 2
	p.LimbChecks = dm.Revision >= 3
	dom := p.Params.ModelDomain()
	if logistic {
		dom = p.ModelDomain()
	}
	s := Shape{Widths: []int{p.D}, Domain: dom, Decode: decoder(p.Model.Decode)}
	if logistic {
		s.StepCircuit = func() frontend.Circuit { return logreg.NewCircuit(p) }
		s.AssignStep = func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
			c, next, err := p.Assign(ds, k, linreg.FromValues(m), lr)
			return c, next.Values(), err
		}
	} else {
		s.StepCircuit = func() frontend.Circuit { return linreg.NewCircuit(p.Params) }
		s.AssignStep = func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
			c, next, err := p.Params.Assign(ds, k, linreg.FromValues(m), lr)
			return c, next.Values(), err
		}
	}
	if logistic {
		chainOf(&s, p, dm)
	} else {
		chainOf(&s, p.Params, dm)
	}
	qp := score.Params{N: dm.TestRows, Logistic: logistic, Model: logreg.DefaultParams(1, p.D, 0)}
	qp.Model.LimbChecks = p.LimbChecks
	s.ScoreCircuit = func() frontend.Circuit { return score.NewScore(qp) }
	s.AssignScore = func(curve ecc.ID, rows [][]int64, m []int64) (frontend.Circuit, *commit.Dataset, *big.Int, int64, error) {
		set, err := qp.HeldoutSet(rows)
		if err == nil {
			set, err = set.On(curve)
		}
		if err != nil {
			return nil, nil, nil, 0, err
		}
		c, err := qp.AssignScore(set, linreg.FromValues(m))
		if err != nil {
			return nil, nil, nil, 0, err
		}
		loss, _ := c.LossSum.(*big.Int)
		correct, _ := c.Correct.(int64)
		return c, set, loss, correct, nil
	}
	return s
}
