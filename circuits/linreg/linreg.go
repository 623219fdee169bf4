// Package linreg proves one mini-batch SGD step of linear regression with
// squared loss:
//
//	e = X·w + b - y
//	w' = w - lr · (1/B) · Xᵀe,   b' = b - lr · (1/B) · Σ e
//
// in fixed point, binding the dataset root, the batch's position in it, the
// learning rate and commitments to the model before and after the step.
//
// All products are kept exact at the scale they arise in; each new weight is
// rounded once, by one division with a range-pinned quotient. The native
// mirror [Params.NativeStep] computes the same integers.
package linreg

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/step"
)

// Params fixes the shape and number formats of a step; one circuit per Params.
type Params struct {
	B, D   int               // batch size, features
	Depth  int               // dataset Merkle depth: up to 2^Depth batches
	Data   fixedpoint.Format // features and targets (packed into the dataset commitment)
	Model  fixedpoint.Format // weights and bias
	LRFrac int               // fractional bits of the learning rate
	LRBits int               // the learning rate is unsigned, below 2^LRBits
}

// DefaultParams: 16-bit data in Q4.12, Q16.16 weights, learning rate with 16
// fractional bits below 16.
func DefaultParams(b, d, depth int) Params {
	return Params{B: b, D: d, Depth: depth,
		Data:   fixedpoint.Format{Bits: 16, Frac: 12},
		Model:  fixedpoint.Format{Bits: 32, Frac: 16},
		LRFrac: 16, LRBits: 20}
}

// Validate reports parameters the circuit cannot represent soundly.
func (p Params) Validate() error {
	if p.B <= 0 || p.D <= 0 || p.Depth < 0 {
		return fmt.Errorf("linreg: need B, D > 0 and Depth >= 0, got B=%d D=%d Depth=%d", p.B, p.D, p.Depth)
	}
	if err := p.Data.Validate(); err != nil {
		return err
	}
	if err := p.Model.Validate(); err != nil {
		return err
	}
	if p.LRBits <= 0 || p.LRBits > 62 {
		return fmt.Errorf("linreg: LRBits %d outside 1..62", p.LRBits)
	}
	return nil
}

// divisor is B · 2^(Data.Frac + eFrac + LRFrac - Model.Frac): it takes
// lr·Xᵀe, with e at eFrac fractional bits, down to the model's scale and
// averages over the batch.
func (p Params) divisor(eFrac int) *big.Int {
	shift := p.Data.Frac + eFrac + p.LRFrac - p.Model.Frac
	if shift < 0 {
		panic(fmt.Sprintf("linreg: error scale %d too coarse for the model scale", eFrac))
	}
	d := new(big.Int).Lsh(big.NewInt(1), uint(shift))
	return d.Mul(d, big.NewInt(int64(p.B)))
}

// quotientBits bounds an update: it must fit one bit more than a weight.
func (p Params) quotientBits() int { return p.Model.Bits + 1 }

// Circuit is the statement "ModelAfter commits to the model one SGD step from
// the model committed by ModelBefore, on batch BatchIndex of the dataset
// committed by DatasetRoot, with learning rate LearningRate".
type Circuit struct {
	step.Public

	X        [][]frontend.Variable // B × D features
	Y        []frontend.Variable   // B targets
	W        []frontend.Variable   // D weights before the step
	Bias     frontend.Variable     // bias before the step
	Siblings []frontend.Variable   // Merkle path of the batch

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit of the given shape, for compiling.
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
	dom := p.ModelDomain()
	if err := step.Bind(fp, p.Shape(), c.Public, c.X, c.Y, c.Siblings, dom, append(append([]frontend.Variable{}, c.W...), c.Bias)); err != nil {
		return err
	}
	w, b := Step(fp, p, c.X, c.Y, c.W, c.Bias, c.LearningRate)
	return step.BindModel(fp, dom, append(w, b), c.ModelAfter)
}

// Step returns the weights and bias after one step. Inputs must already be
// range-checked (X, y to Data.Bits; w, b to Model.Bits; lr to LRBits); the
// outputs are range-checked by whoever commits to them.
func Step(fp *fixedpoint.API, p Params, x [][]frontend.Variable, y, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := fp.Frontend()
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	modelScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Model.Frac))

	// e_i at scale Data.Frac + Model.Frac
	e := make([]frontend.Variable, p.B)
	for i := range e {
		acc := api.Sub(api.Mul(b, dataScale), api.Mul(y[i], modelScale))
		for j := 0; j < p.D; j++ {
			acc = api.Add(acc, api.Mul(x[i][j], w[j]))
		}
		e[i] = acc
	}
	return Update(fp, p, x, e, p.Data.Frac+p.Model.Frac, w, b, lr)
}

// Update is the gradient step shared by the linear models: given per-row
// errors e (dLoss/dprediction) with eFrac fractional bits, it returns
//
//	w' = w - round(lr · Xᵀe / B),  b' = b - round(lr · Σe / B)
//
// at the model's scale, each weight rounded once by a range-pinned division.
func Update(fp *fixedpoint.API, p Params, x [][]frontend.Variable, e []frontend.Variable, eFrac int, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := fp.Frontend()
	g := make([]frontend.Variable, p.D) // scale Data.Frac + eFrac
	for j := range g {
		var acc frontend.Variable = 0
		for i := range e {
			acc = api.Add(acc, api.Mul(x[i][j], e[i]))
		}
		g[j] = acc
	}
	var sumE frontend.Variable = 0
	for i := range e {
		sumE = api.Add(sumE, e[i])
	}
	return UpdateFromGradient(fp, p, g, sumE, eFrac, w, b, lr)
}

// UpdateFromGradient is Update given the gradient sums g = Xᵀe (at
// Data.Frac + eFrac fractional bits) and Σe (at eFrac), for callers that
// compute Xᵀe another way (a Freivalds-checked product).
func UpdateFromGradient(fp *fixedpoint.API, p Params, g []frontend.Variable, sumE frontend.Variable, eFrac int, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := fp.Frontend()
	d := p.divisor(eFrac)
	qBits := p.quotientBits()
	wAfter := make([]frontend.Variable, len(w))
	for j := range wAfter {
		wAfter[j] = api.Sub(w[j], fp.DivRound(api.Mul(lr, g[j]), d, qBits))
	}
	gb := api.Mul(sumE, new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac)))
	bAfter := api.Sub(b, fp.DivRound(api.Mul(lr, gb), d, qBits))
	return wAfter, bAfter
}

// Shape is what the step binds besides its model.
func (p Params) Shape() step.Shape {
	return step.Shape{B: p.B, D: p.D, Depth: p.Depth, Data: p.Data, LRBits: p.LRBits}
}

// ModelDomain is the commitment domain of a linear model: D weights and a
// bias in the model format.
func (p Params) ModelDomain() commit.Domain { return commit.Model("linear", p.Model, p.D+1, p.D, 1) }
