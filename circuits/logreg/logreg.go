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
package logreg

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
)

// Params: the linear model's shape and formats, plus the sigmoid grid.
type Params struct {
	linreg.Params
	SigmoidFrac int // fractional bits of the sigmoid's input grid
}

// DefaultParams: linreg's defaults with a 1/64 sigmoid grid.
func DefaultParams(b, d, depth int) Params {
	return Params{Params: linreg.DefaultParams(b, d, depth), SigmoidFrac: 6}
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
	DatasetRoot  frontend.Variable `gnark:",public"`
	BatchIndex   frontend.Variable `gnark:",public"`
	LearningRate frontend.Variable `gnark:",public"`
	ModelBefore  frontend.Variable `gnark:",public"`
	ModelAfter   frontend.Variable `gnark:",public"`

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
	fp := fixedpoint.New(api)
	pub := linreg.Public{DatasetRoot: c.DatasetRoot, BatchIndex: c.BatchIndex, LearningRate: c.LearningRate,
		ModelBefore: c.ModelBefore, ModelAfter: c.ModelAfter}
	for _, y := range c.Y {
		api.AssertIsBoolean(y)
	}
	dom := p.ModelDomain()
	if err := linreg.BindStep(fp, p.Params, pub, c.X, c.Y, c.Siblings, dom, append(append([]frontend.Variable{}, c.W...), c.Bias)); err != nil {
		return err
	}
	w, b := Step(fp, p, c.X, c.Y, c.W, c.Bias, c.LearningRate)
	return linreg.BindModel(fp, dom, append(w, b), c.ModelAfter)
}

// ModelDomain is the commitment domain of a logistic model: D weights and a
// bias, as a linear model's, but committed as its own family.
func (p Params) ModelDomain() commit.Domain { return commit.Model("logistic", p.Model, p.D+1, p.D, 1) }

// Commitment is the native twin of the in-circuit model commitment.
func (p Params) Commitment(curve ecc.ID, m linreg.Model) (frontend.Variable, error) {
	return linreg.CommitModel(curve, p.ModelDomain(), m.Values())
}

// Step returns the model after one step (inputs range-checked by the caller).
func Step(fp *fixedpoint.API, p Params, x [][]frontend.Variable, y, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := fp.Frontend()
	tbl := p.Sigmoid()
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	shift := new(big.Int).Lsh(big.NewInt(1), uint(p.logitShift()))
	grid := make([]frontend.Variable, p.B)
	for i := range grid {
		z := api.Mul(b, dataScale) // scale Data.Frac + Model.Frac
		for j := 0; j < p.D; j++ {
			z = api.Add(z, api.Mul(x[i][j], w[j]))
		}
		t := fp.DivRound(z, shift, p.logitBits())
		grid[i] = activation.Clamp(fp, t, tbl.Lo, tbl.Hi(), p.logitBits())
	}
	s := tbl.Lookup(api, grid...)
	e := make([]frontend.Variable, p.B)
	for i := range e {
		e[i] = api.Sub(s[i], api.Mul(y[i], dataScale)) // scale Data.Frac
	}
	return linreg.Update(fp, p.Params, x, e, p.Data.Frac, w, b, lr)
}

// NativeStep is the native mirror: the model after one step on rows (D
// features, then the 0/1 label).
func (p Params) NativeStep(m linreg.Model, rows [][]int64, lr int64) (linreg.Model, error) {
	if len(rows) != p.B || len(m.W) != p.D {
		return linreg.Model{}, fmt.Errorf("logreg: batch of %d rows and %d weights, want %d and %d", len(rows), len(m.W), p.B, p.D)
	}
	if lr < 0 || lr >= int64(1)<<p.LRBits {
		return linreg.Model{}, fmt.Errorf("logreg: learning rate %d outside [0, 2^%d)", lr, p.LRBits)
	}
	for _, v := range m.Values() {
		if err := p.Model.Check(v); err != nil {
			return linreg.Model{}, fmt.Errorf("logreg: model: %w", err)
		}
	}
	tbl := p.Sigmoid()
	shift := big.NewInt(1 << p.logitShift())
	e := make([]int64, p.B)
	for i, r := range rows {
		if len(r) != p.D+1 {
			return linreg.Model{}, fmt.Errorf("logreg: row %d has %d values, want %d features and a label", i, len(r), p.D+1)
		}
		for _, v := range r {
			if err := p.Data.Check(v); err != nil {
				return linreg.Model{}, fmt.Errorf("logreg: row %d: %w", i, err)
			}
		}
		if y := r[p.D]; y != 0 && y != 1 {
			return linreg.Model{}, fmt.Errorf("logreg: row %d: label %d is not 0 or 1", i, y)
		}
		z := m.Bias << p.Data.Frac
		for j := 0; j < p.D; j++ {
			z += r[j] * m.W[j]
		}
		t := fixedpoint.DivRound(big.NewInt(z), shift).Int64()
		e[i] = tbl.Native(activation.NativeClamp(t, tbl.Lo, tbl.Hi())) - r[p.D]<<p.Data.Frac
	}
	next, err := p.NativeUpdate(m, rows, e, p.Data.Frac, lr)
	if err != nil {
		return linreg.Model{}, fmt.Errorf("logreg: %w", err)
	}
	return next, nil
}

// Predict returns the model's probability of class 1 for a row, at the data
// scale, exactly as the circuit computes it.
func (p Params) Predict(m linreg.Model, features []int64) int64 {
	tbl := p.Sigmoid()
	z := m.Bias << p.Data.Frac
	for j, x := range features {
		z += x * m.W[j]
	}
	t := fixedpoint.DivRound(big.NewInt(z), big.NewInt(1<<p.logitShift())).Int64()
	return tbl.Native(activation.NativeClamp(t, tbl.Lo, tbl.Hi()))
}

// Assign runs the native step on batch k of ds and returns the assignment.
func (p Params) Assign(ds *commit.Dataset, k int, m linreg.Model, lr int64) (*Circuit, linreg.Model, error) {
	rows, siblings, err := p.Params.Batch(ds, k)
	if err != nil {
		return nil, linreg.Model{}, fmt.Errorf("logreg: %w", err)
	}
	next, err := p.NativeStep(m, rows, lr)
	if err != nil {
		return nil, linreg.Model{}, err
	}
	before, err := p.Commitment(ds.Curve, m)
	if err != nil {
		return nil, linreg.Model{}, err
	}
	after, err := p.Commitment(ds.Curve, next)
	if err != nil {
		return nil, linreg.Model{}, err
	}
	c := NewCircuit(p)
	c.DatasetRoot, c.BatchIndex, c.LearningRate, c.ModelBefore, c.ModelAfter = ds.Root(), k, lr, before, after
	linreg.FillBatch(c.X, c.Y, rows)
	for j, w := range m.W {
		c.W[j] = w
	}
	c.Bias, c.Siblings = m.Bias, siblings
	return c, next, nil
}
