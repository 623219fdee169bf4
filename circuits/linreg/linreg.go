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
//
// With Params.Lanes the two products X·w and Xᵀe are computed in packed
// lanes (package lanes): N rows of X·w, or N columns of Xᵀe, to one
// constraint, each result opened with a signed range check of its lane's
// width. The lanes' widths come from the operands' formats (ErrorBits,
// GradientBits), which the range checks on X, w and e guarantee, so the
// opened values are the exact ones (the lanes package gives the argument).
// Cost per step, roughly B·D·(1/N_e + 1/N_g) products instead of 2·B·D, plus
// B + D range checks of about 55 and 75 bits at 16-bit data and 32-bit
// weights (N_e = 4, N_g = 3 on BN254 at D = B = 64).
package linreg

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/lanes"
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
	// Lanes computes the products X·w and Xᵀe several rows or columns to
	// one constraint (package lanes) instead of one constraint each, in
	// R1CS (lanes.Pay). The step computes the same integers either way.
	Lanes bool
	// LimbChecks proves the range checks with package limbcheck instead of
	// gnark's std/rangecheck: the same checks at one constraint less each
	// (fixedpoint.For).
	LimbChecks bool
}

// DefaultParams: 16-bit data in Q4.12, Q16.16 weights, learning rate with 16
// fractional bits below 16, products in lanes where they pay (LanesPay).
func DefaultParams(b, d, depth int) Params {
	p := Params{B: b, D: d, Depth: depth,
		Data:   fixedpoint.Format{Bits: 16, Frac: 12},
		Model:  fixedpoint.Format{Bits: 32, Frac: 16},
		LRFrac: 16, LRBits: 20}
	p.Lanes = p.LanesPay()
	p.LimbChecks = true
	return p
}

// LanesPay says whether lanes are estimated to cut the step's constraints
// enough to be worth their wires (lanes.Cost, lanes.Pays): ceil(B/N)·D
// products and B range checks for X·w, ceil(D/N)·B products and D range
// checks for Xᵀe, against 2·B·D products. Small batches of few features pay
// more in range checks than they save.
func (p Params) LanesPay() bool {
	eBits := p.ErrorBits()
	return lanes.Pays(lanes.Cost(p.B, p.D, eBits)+lanes.Cost(p.D, p.B, p.GradientBits(eBits)), 2*p.B*p.D)
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
	if p.Data.Frac > p.Data.Bits-1 || p.Model.Frac > p.Model.Bits-1 {
		return fmt.Errorf("linreg: formats %s and %s: a bias or target scaled to the error's scale must stay within a product's bound", p.Data, p.Model)
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
	fp := fixedpoint.For(api, p.LimbChecks)
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
	extra := make([]frontend.Variable, p.B) // b·2^Data.Frac - y_i·2^Model.Frac
	for i := range extra {
		extra[i] = api.Sub(api.Mul(b, dataScale), api.Mul(y[i], modelScale))
	}
	var e []frontend.Variable
	if p.Lanes && lanes.Pay(api) {
		p.MustBound()
		l := lanes.Fit(api.Compiler().Field(), p.ErrorBits())
		for g, s := range l.RowsDot(api, x, w) {
			rows := extra[g*l.N : min(p.B, (g+1)*l.N)]
			e = append(e, l.Open(fp, api.Add(s, l.Combine(api, rows)), len(rows))...)
		}
	} else {
		e = make([]frontend.Variable, p.B)
		for i := range e {
			acc := extra[i]
			for j := 0; j < p.D; j++ {
				acc = api.Add(acc, api.Mul(x[i][j], w[j]))
			}
			e[i] = acc
		}
	}
	return Update(fp, p, x, e, p.Data.Frac+p.Model.Frac, p.ErrorBits(), w, b, lr)
}

// ClassifierLanesPay is LanesPay for a step whose logits are divided as
// they are opened (their range checks paid by the division) and whose
// errors are probabilities less labels, Data.Frac+2 signed bits: the
// logistic step, and each class of the softmax step.
func (p Params) ClassifierLanesPay() bool {
	return lanes.Pays(lanes.DivCost(p.B, p.D, p.ErrorBits())+lanes.Cost(p.D, p.B, p.GradientBits(p.Data.Frac+2)), 2*p.B*p.D)
}

// MustBound stops compiling lanes whose widths the formats do not bound
// (Validate): the lanes' soundness rests on ErrorBits and GradientBits.
func (p Params) MustBound() {
	if err := p.Validate(); err != nil {
		panic(err)
	}
}

// ErrorBits bounds a linear prediction's error x·w + b·2^Data.Frac -
// y·2^Model.Frac: D+2 terms, each at most 2^(Data.Bits+Model.Bits-2) in
// magnitude (Validate checks that the bias and target terms are).
func (p Params) ErrorBits() int { return lanes.DotBits(p.Data.Bits, p.Model.Bits, p.D+2) }

// GradientBits bounds a gradient entry Σ_i x_ij·e_i over a batch, for
// errors of eBits signed bits.
func (p Params) GradientBits(eBits int) int { return lanes.DotBits(p.Data.Bits, eBits, p.B) }

// Update is the gradient step shared by the linear models: given per-row
// errors e (dLoss/dprediction) with eFrac fractional bits, each below
// 2^(eBits-1) in magnitude, it returns
//
//	w' = w - round(lr · Xᵀe / B),  b' = b - round(lr · Σe / B)
//
// at the model's scale, each weight rounded once by a range-pinned division.
// With Lanes, eBits must bound e: the lanes of Xᵀe are sized from it.
func Update(fp *fixedpoint.API, p Params, x [][]frontend.Variable, e []frontend.Variable, eFrac, eBits int, w []frontend.Variable, b, lr frontend.Variable) ([]frontend.Variable, frontend.Variable) {
	api := fp.Frontend()
	var g []frontend.Variable // scale Data.Frac + eFrac
	if p.Lanes && lanes.Pay(api) {
		p.MustBound()
		l := lanes.Fit(api.Compiler().Field(), p.GradientBits(eBits))
		g = l.OpenAll(fp, l.ColsDot(api, e, x), p.D)
	} else {
		g = make([]frontend.Variable, p.D)
		for j := range g {
			var acc frontend.Variable = 0
			for i := range e {
				acc = api.Add(acc, api.Mul(x[i][j], e[i]))
			}
			g[j] = acc
		}
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

// LimbChecked reports p.LimbChecks, for the circuits that take the step's
// parameters through an interface (score.Classifier).
func (p Params) LimbChecked() bool { return p.LimbChecks }

// Shape is what the step binds besides its model.
func (p Params) Shape() step.Shape {
	return step.Shape{B: p.B, D: p.D, Depth: p.Depth, Data: p.Data, LRBits: p.LRBits, LimbChecks: p.LimbChecks}
}

// ModelDomain is the commitment domain of a linear model: D weights and a
// bias in the model format.
func (p Params) ModelDomain() commit.Domain { return commit.Model("linear", p.Model, p.D+1, p.D, 1) }
