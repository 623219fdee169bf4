// Package logreg proves one mini-batch SGD step of binary logistic
// regression with cross-entropy loss:
//
//	s = σ(X·w + b),  e = s - y
//	w' = w - lr · (1/B) · Xᵀe,   b' = b - lr · (1/B) · Σ e
//
// binding the dataset root, batch index, learning rate and the model
// commitments exactly as the linear-regression step does.
//
// The sigmoid is a lookup table: the logit is rounded to SigmoidFrac
// fractional bits (default 6), clamped to [-8, 8), and σ is read from a
// 1024-entry table of round(σ(x)·2^Data.Frac). The table and the rounding are
// the same natively and in-circuit. Against the exact sigmoid the error is at
// most 2^-9 from rounding the logit (σ' <= 1/4), 2^-13 from rounding the
// output and 3.4e-4 from clamping: below 0.0024 in all.
//
// With Params.Lanes the logits are computed N rows to a constraint and
// divided onto the sigmoid's grid lane by lane (lanes.OpenDivRound), and the
// gradient as linreg's; the logit's lanes are sized from linreg's ErrorBits,
// which bounds b·2^Data.Frac + x·w as well.
package logreg

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/lanes"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/step"
)

// Params: the linear model's shape and formats, plus the sigmoid grid.
type Params struct {
	linreg.Params
	SigmoidFrac int // fractional bits of the sigmoid's input grid
	// SharedTable: a chain of steps (Steps) places the sigmoid table in
	// the circuit once for all its steps, not once per step (about 3
	// constraints per entry, 1,024 entries).
	SharedTable bool
}

// DefaultParams: linreg's defaults with a 1/64 sigmoid grid.
func DefaultParams(b, d, depth int) Params {
	p := Params{Params: linreg.DefaultParams(b, d, depth), SigmoidFrac: 6, SharedTable: true}
	p.Lanes = p.ClassifierLanesPay()
	return p
}

// Sigmoid is the table both sides use.
func (p Params) Sigmoid() activation.Table { return activation.Sigmoid(p.SigmoidFrac, p.Data.Frac) }

// logitShift is the rounding from the logit's scale to the sigmoid grid.
func (p Params) logitShift() int { return p.Data.Frac + p.Model.Frac - p.SigmoidFrac }

// logitBits bounds a rounded logit: |x·w| < 2^(Data.Bits+Model.Bits-2) per term.
func (p Params) logitBits() int {
	return p.Data.Bits + p.Model.Bits + commit.Depth(p.D+1) - p.logitShift() + 1
}

// Circuit is the statement of one logistic-regression step; the labels are the
// rows' last values, 0 or 1.
type Circuit struct {
	step.Public

	X        [][]frontend.Variable
	Y        []frontend.Variable
	W        []frontend.Variable
	Bias     frontend.Variable
	Siblings []frontend.Variable

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit of the given shape.
func NewCircuit(p Params) *Circuit {
	c := &Circuit{Params: p, X: make([][]frontend.Variable, p.B), Y: make([]frontend.Variable, p.B),
		W: make([]frontend.Variable, p.D), Siblings: make([]frontend.Variable, p.Depth)}
	for i := range c.X {
		c.X[i] = make([]frontend.Variable, p.D)
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p := c.Params
	fp := fixedpoint.For(api, p.LimbChecks)
	for _, y := range c.Y {
		api.AssertIsBoolean(y)
	}
	dom := p.ModelDomain()
	if err := step.Bind(fp, p.Shape(), c.Public, c.X, c.Y, c.Siblings, dom, append(append([]frontend.Variable{}, c.W...), c.Bias)); err != nil {
		return err
	}
	w, b := Step(fp, p, c.X, c.Y, c.W, c.Bias, c.LearningRate)
	return step.BindModel(fp, dom, append(w, b), c.ModelAfter)
}

// ModelDomain is the commitment domain of a logistic model: D weights and a
// bias, as a linear model's, but committed as its own family.
func (p Params) ModelDomain() commit.Domain { return commit.Model("logistic", p.Model, p.D+1, p.D, 1) }

// Step returns the model after one step (inputs range-checked by the caller).
func Step(fp *fixedpoint.API, p Params, x [][]frontend.Variable, y, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	return StepWith(fp, p, nil, x, y, w, b, lr)
}

// StepWith is Step with the sigmoid table open already (nil: opened here),
// so that the steps of a chain share one table.
func StepWith(fp *fixedpoint.API, p Params, sigmoid *activation.OpenTable, x [][]frontend.Variable, y, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := fp.Frontend()
	tbl := p.Sigmoid()
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	shift := new(big.Int).Lsh(big.NewInt(1), uint(p.logitShift()))
	bias := api.Mul(b, dataScale) // scale Data.Frac + Model.Frac
	grid := make([]frontend.Variable, p.B)
	if p.Lanes && lanes.Pay(api) {
		p.MustBound() // ErrorBits must bound the logits
		l := lanes.DivLanes(api.Compiler().Field(), p.ErrorBits(), shift, p.logitBits())
		var t []frontend.Variable // logits on the sigmoid's grid
		for g, s := range l.RowsDot(api, x, w) {
			n := min(p.B, (g+1)*l.N) - g*l.N
			biases := make([]frontend.Variable, n)
			for m := range biases {
				biases[m] = bias
			}
			t = append(t, l.OpenDivRound(fp, api.Add(s, l.Combine(api, biases)), n, shift, p.logitBits())...)
		}
		for i := range grid {
			grid[i] = activation.Clamp(fp, t[i], tbl.Lo, tbl.Hi(), p.logitBits())
		}
	} else {
		for i := range grid {
			z := bias
			for j := 0; j < p.D; j++ {
				z = api.Add(z, api.Mul(x[i][j], w[j]))
			}
			t := fp.DivRound(z, shift, p.logitBits())
			grid[i] = activation.Clamp(fp, t, tbl.Lo, tbl.Hi(), p.logitBits())
		}
	}
	if sigmoid == nil {
		sigmoid = tbl.Open(api)
	}
	s := sigmoid.Lookup(grid...)
	e := make([]frontend.Variable, p.B)
	for i := range e {
		e[i] = api.Sub(s[i], api.Mul(y[i], dataScale)) // scale Data.Frac
	}
	return linreg.Update(fp, p.Params, x, e, p.Data.Frac, p.Data.Frac+2, w, b, lr) // 0 <= s <= 2^Data.Frac
}
