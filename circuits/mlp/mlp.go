// Package mlp proves one mini-batch SGD step of a one-hidden-layer
// perceptron with ReLU and a softmax output, trained with cross-entropy and
// full backpropagation:
//
//	A = X·W1ᵀ + b1,  R = ReLU(A),  P = softmax(R·W2ᵀ + b2),  E = P - onehot(y)
//	W2' = W2 - lr/B · EᵀR,   dA = (E·W2) ⊙ [A > 0],   W1' = W1 - lr/B · dAᵀX
//
// Hidden activations are rounded to Data.Frac fractional bits (and must fit
// HiddenBits signed bits); ReLU and its mask are pinned by range checks
// (activation.ReLU); softmax is the softmax package's. With Freivalds set, the
// five matrix products are taken from hints and checked by Freivalds' test
// (matmul.Freivalds), costing O(n²) instead of O(n³) multiplications; without
// it they are multiplied out, for comparison.
package mlp

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/matmul"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/circuits/step"
)

// Params fix the network's shape and formats.
type Params struct {
	linreg.Params     // B, D, Depth, Data, Model, LR
	H, K          int // hidden units, classes
	HiddenBits    int // signed bits of a hidden pre-activation at Data.Frac
	Freivalds     bool
	GridFrac      int
	ExpFrac       int
}

// DefaultParams: 24-bit hidden activations, softmax grid as the softmax step's.
func DefaultParams(b, d, h, k, depth int, freivalds bool) Params {
	return Params{Params: linreg.DefaultParams(b, d, depth), H: h, K: k, HiddenBits: 24, Freivalds: freivalds, GridFrac: 6, ExpFrac: 16}
}

// layer returns linear-layer parameters with in inputs of the given width.
func (p Params) layer(in, bits int) linreg.Params {
	q := p.Params
	q.D = in
	q.Data.Bits = bits
	return q
}

// out returns the softmax parameters of the output layer.
func (p Params) out() softmax.Params {
	return softmax.Params{Params: p.layer(p.H, p.HiddenBits+1), K: p.K, GridFrac: p.GridFrac, ExpFrac: p.ExpFrac}
}

// Model holds both layers, one linear model per unit.
type Model struct {
	Hidden []linreg.Model // H models over D inputs
	Output []linreg.Model // K models over H inputs
}

// Values lists the model as committed: hidden units, then output units, each
// weights then bias.
func (m Model) Values() []int64 {
	var out []int64
	for _, u := range append(append([]linreg.Model{}, m.Hidden...), m.Output...) {
		out = append(out, u.Values()...)
	}
	return out
}

// Clone returns a deep copy.
func (m Model) Clone() Model {
	var c Model
	for _, u := range m.Hidden {
		c.Hidden = append(c.Hidden, u.Clone())
	}
	for _, u := range m.Output {
		c.Output = append(c.Output, u.Clone())
	}
	return c
}

// Commitment is the native twin of the in-circuit model commitment.
func (p Params) Commitment(curve ecc.ID, m Model) (frontend.Variable, error) {
	return step.CommitModel(curve, p.ModelDomain(), m.Values())
}

// ModelDomain is the commitment domain of the network: H hidden units of D
// weights and a bias, then K output units of H weights and a bias.
func (p Params) ModelDomain() commit.Domain {
	return commit.Model("mlp", p.Model, p.H*(p.D+1)+p.K*(p.H+1), p.D, p.H, p.K)
}

// Circuit is the statement of one MLP step.
type Circuit struct {
	step.Public

	X        [][]frontend.Variable // B × D
	Y        []frontend.Variable   // B labels
	W1       [][]frontend.Variable // H × D
	B1       []frontend.Variable
	W2       [][]frontend.Variable // K × H
	B2       []frontend.Variable
	Siblings []frontend.Variable

	Params Params `gnark:"-"`
}

func matrix(n, m int) [][]frontend.Variable {
	out := make([][]frontend.Variable, n)
	for i := range out {
		out[i] = make([]frontend.Variable, m)
	}
	return out
}

// NewCircuit returns an empty circuit of the given shape.
func NewCircuit(p Params) *Circuit {
	return &Circuit{Params: p, X: matrix(p.B, p.D), Y: make([]frontend.Variable, p.B), W1: matrix(p.H, p.D),
		B1: make([]frontend.Variable, p.H), W2: matrix(p.K, p.H), B2: make([]frontend.Variable, p.K), Siblings: make([]frontend.Variable, p.Depth)}
}

func flatten(w1 [][]frontend.Variable, b1 []frontend.Variable, w2 [][]frontend.Variable, b2 []frontend.Variable) []frontend.Variable {
	var out []frontend.Variable
	for h := range w1 {
		out = append(append(out, w1[h]...), b1[h])
	}
	for k := range w2 {
		out = append(append(out, w2[k]...), b2[k])
	}
	return out
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p := c.Params
	fp := fixedpoint.For(api, p.LimbChecks)
	dom := p.ModelDomain()
	if err := step.Bind(fp, p.Shape(), c.Public, c.X, c.Y, c.Siblings, dom, flatten(c.W1, c.B1, c.W2, c.B2)); err != nil {
		return err
	}
	w1, b1, w2, b2 := Step(fp, p, c.X, c.Y, c.W1, c.B1, c.W2, c.B2, c.LearningRate)
	return step.BindModel(fp, dom, flatten(w1, b1, w2, b2), c.ModelAfter)
}

// ops are the product (Freivalds-checked or multiplied out) and the data and
// model scales, 2^Data.Frac and 2^Model.Frac.
func (p Params) ops() (func(frontend.API, [][]frontend.Variable, [][]frontend.Variable) [][]frontend.Variable, *big.Int, *big.Int) {
	mul := matmul.Mul
	if p.Freivalds {
		mul = matmul.Freivalds
	}
	return mul, new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac)), new(big.Int).Lsh(big.NewInt(1), uint(p.Model.Frac))
}

// Forward runs the network on the rows x (inputs range-checked by the
// caller): the hidden activations r and their ReLU mask, at Data.Frac, and
// the output logits z at Data.Frac + Model.Frac, exactly as the native
// forward pass.
func Forward(fp *fixedpoint.API, p Params, x [][]frontend.Variable, w1 [][]frontend.Variable, b1 []frontend.Variable,
	w2 [][]frontend.Variable, b2 []frontend.Variable) (r, mask, z [][]frontend.Variable) {
	api := fp.Frontend()
	mul, dataScale, modelScale := p.ops()
	a := mul(api, x, matmul.Transpose(w1)) // rows × H, scale Data.Frac + Model.Frac
	r, mask = matrix(len(x), p.H), matrix(len(x), p.H)
	for i := range a {
		for h := range a[i] {
			ar := fp.DivRound(api.Add(a[i][h], api.Mul(b1[h], dataScale)), modelScale, p.HiddenBits+1)
			r[i][h], mask[i][h] = activation.ReLU(fp, ar, p.HiddenBits+1)
		}
	}
	z = mul(api, r, matmul.Transpose(w2)) // rows × K
	for i := range z {
		for k := range z[i] {
			z[i][k] = api.Add(z[i][k], api.Mul(b2[k], dataScale))
		}
	}
	return r, mask, z
}

// LogitBits bounds a logit of Forward: |z| < 2^LogitBits.
func (p Params) LogitBits() int { return p.HiddenBits + 1 + p.Model.Bits + commit.Depth(p.H+1) + 1 }

// Step returns both layers after one step (inputs range-checked by the caller).
func Step(fp *fixedpoint.API, p Params, x [][]frontend.Variable, y []frontend.Variable, w1 [][]frontend.Variable, b1 []frontend.Variable,
	w2 [][]frontend.Variable, b2 []frontend.Variable, lr frontend.Variable) ([][]frontend.Variable, []frontend.Variable, [][]frontend.Variable, []frontend.Variable) {
	return StepWith(fp, p, p.OpenExp(fp.Frontend()), x, y, w1, b1, w2, b2, lr)
}

// OpenExp places the output softmax's exp table in the circuit: before any
// Freivalds check (see activation.Table.Open), once for every step that
// shares it.
func (p Params) OpenExp(api frontend.API) *activation.OpenTable { return p.out().Exp().Open(api) }

// StepWith is Step with the exp table already open.
func StepWith(fp *fixedpoint.API, p Params, exp *activation.OpenTable, x [][]frontend.Variable, y []frontend.Variable, w1 [][]frontend.Variable, b1 []frontend.Variable,
	w2 [][]frontend.Variable, b2 []frontend.Variable, lr frontend.Variable) ([][]frontend.Variable, []frontend.Variable, [][]frontend.Variable, []frontend.Variable) {
	api := fp.Frontend()
	mul, dataScale, modelScale := p.ops()

	r, mask, z := Forward(fp, p, x, w1, b1, w2, b2)
	probs := softmax.ProbabilitiesFromLogits(fp, p.out(), z, exp)
	e := matrix(p.B, p.K) // scale Data.Frac
	for i := range e {
		oh := softmax.OneHot(api, y[i], p.K)
		for k := range e[i] {
			e[i][k] = api.Sub(probs[i][k], api.Mul(oh[k], dataScale))
		}
	}

	// backward: the hidden error uses the output weights before the update
	dh := mul(api, e, w2) // B × H, scale Data.Frac + Model.Frac
	da := matrix(p.B, p.H)
	for i := range dh {
		for h := range dh[i] {
			da[i][h] = api.Mul(mask[i][h], fp.DivRound(dh[i][h], modelScale, p.Data.Frac+p.Model.Bits+4))
		}
	}
	et := matmul.Transpose(e)
	g2 := mul(api, et, r) // K × H
	w2n, b2n := make([][]frontend.Variable, p.K), make([]frontend.Variable, p.K)
	for k := range w2n {
		w2n[k], b2n[k] = linreg.UpdateFromGradient(fp, p.layer(p.H, p.HiddenBits+1), g2[k], sum(api, et[k]), p.Data.Frac, w2[k], b2[k], lr)
	}
	dat := matmul.Transpose(da)
	g1 := mul(api, dat, x) // H × D
	w1n, b1n := make([][]frontend.Variable, p.H), make([]frontend.Variable, p.H)
	for h := range w1n {
		w1n[h], b1n[h] = linreg.UpdateFromGradient(fp, p.Params, g1[h], sum(api, dat[h]), p.Data.Frac, w1[h], b1[h], lr)
	}
	return w1n, b1n, w2n, b2n
}

func sum(api frontend.API, xs []frontend.Variable) frontend.Variable {
	var s frontend.Variable = 0
	for _, v := range xs {
		s = api.Add(s, v)
	}
	return s
}
