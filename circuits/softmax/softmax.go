// Package softmax proves one mini-batch SGD step of multinomial logistic
// (softmax) regression with cross-entropy loss over K classes:
//
//	P = softmax(X·W + b),  E = P - onehot(y)
//	W' = W - lr · (1/B) · XᵀE,   b' = b - lr · (1/B) · Σ_rows E
//
// Softmax in fixed point: each logit is rounded to 1/64, the row maximum m is
// pinned (m >= every logit and Π(m - logit) = 0), exp(-(m - logit)) is read
// from a table on [0, 16) at 16 fractional bits, and each probability is the
// floor of exp·2^12 / Σexp, a division by a variable with hinted quotient and
// remainder pinned by range checks. Labels are one-hot encoded by hinted bits
// whose sum is 1 and whose index sum is the label. The per-class updates reuse
// the linear models' gradient step. The native mirror computes the same
// integers.
//
// Against exact softmax the error per probability is below about 1% relative
// (the 1/128 logit rounding) plus 2^-12 absolute.
package softmax

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

// Params: the linear step's shape and formats, K classes, the grid.
type Params struct {
	linreg.Params
	K        int
	GridFrac int // fractional bits of the rounded logits (6)
	ExpFrac  int // fractional bits of the exp table (16)
}

// DefaultParams for B rows of D features and K classes.
func DefaultParams(b, d, k, depth int) Params {
	p := Params{Params: linreg.DefaultParams(b, d, depth), K: k, GridFrac: 6, ExpFrac: 16}
	p.Lanes = p.ClassifierLanesPay()
	return p
}

// Exp is the table both sides use.
func (p Params) Exp() activation.Table { return activation.ExpNeg(p.GridFrac, p.ExpFrac) }

func (p Params) logitShift() int { return p.Data.Frac + p.Model.Frac - p.GridFrac }
func (p Params) logitBits() int {
	return p.Data.Bits + p.Model.Bits + commit.Depth(p.D+1) - p.logitShift() + 1
}
func (p Params) sumBits() int { return p.ExpFrac + commit.Depth(p.K+1) + 1 }

// Model is one linear model per class.
type Model struct{ Classes []linreg.Model }

// Values lists the model as committed: each class's weights then bias.
func (m Model) Values() []int64 {
	var out []int64
	for _, c := range m.Classes {
		out = append(out, c.Values()...)
	}
	return out
}

// Clone returns a deep copy.
func (m Model) Clone() Model {
	out := Model{}
	for _, c := range m.Classes {
		out.Classes = append(out.Classes, c.Clone())
	}
	return out
}

// ModelDomain is the commitment domain of a softmax model: K classes of D
// weights and a bias.
func (p Params) ModelDomain() commit.Domain {
	return commit.Model("softmax", p.Model, p.K*(p.D+1), p.D, p.K)
}

// Circuit is the statement of one softmax-regression step.
type Circuit struct {
	step.Public

	X        [][]frontend.Variable // B × D
	Y        []frontend.Variable   // B labels in [0, K)
	W        [][]frontend.Variable // K × D
	Bias     []frontend.Variable   // K
	Siblings []frontend.Variable

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit of the given shape.
func NewCircuit(p Params) *Circuit {
	c := &Circuit{Params: p, X: make([][]frontend.Variable, p.B), Y: make([]frontend.Variable, p.B),
		W: make([][]frontend.Variable, p.K), Bias: make([]frontend.Variable, p.K), Siblings: make([]frontend.Variable, p.Depth)}
	for i := range c.X {
		c.X[i] = make([]frontend.Variable, p.D)
	}
	for k := range c.W {
		c.W[k] = make([]frontend.Variable, p.D)
	}
	return c
}

func flatten(w [][]frontend.Variable, b []frontend.Variable) []frontend.Variable {
	var out []frontend.Variable
	for k := range w {
		out = append(append(out, w[k]...), b[k])
	}
	return out
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p := c.Params
	fp := fixedpoint.For(api, p.LimbChecks)
	dom := p.ModelDomain()
	if err := step.Bind(fp, p.Shape(), c.Public, c.X, c.Y, c.Siblings, dom, flatten(c.W, c.Bias)); err != nil {
		return err
	}
	w, b := Step(fp, p, c.X, c.Y, c.W, c.Bias, c.LearningRate)
	return step.BindModel(fp, dom, flatten(w, b), c.ModelAfter)
}

// Probabilities returns the softmax of each row's logits at Data.Frac
// fractional bits (inputs range-checked by the caller).
func Probabilities(fp *fixedpoint.API, p Params, x [][]frontend.Variable, w [][]frontend.Variable, b []frontend.Variable) [][]frontend.Variable {
	return ProbabilitiesFromLogits(fp, p, Logits(fp.Frontend(), p, x, w, b), nil)
}

// Logits returns each row's K logits z_k = x·w_k + b_k, exact, at
// Data.Frac + Model.Frac fractional bits; |z| < 2^LogitBits.
func Logits(api frontend.API, p Params, x [][]frontend.Variable, w [][]frontend.Variable, b []frontend.Variable) [][]frontend.Variable {
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	z := make([][]frontend.Variable, len(x))
	for i := range x {
		z[i] = make([]frontend.Variable, p.K)
		for k := range z[i] {
			acc := api.Mul(b[k], dataScale)
			for j := 0; j < p.D; j++ {
				acc = api.Add(acc, api.Mul(x[i][j], w[k][j]))
			}
			z[i][k] = acc
		}
	}
	return z
}

// LogitBits bounds a logit of Logits.
func (p Params) LogitBits() int { return p.Data.Bits + p.Model.Bits + commit.Depth(p.D+1) + 1 }

// ProbabilitiesFromLogits is the softmax of rows of K logits given at
// Data.Frac + Model.Frac fractional bits, bounded as a D-feature layer's.
// exp is the exp table opened earlier (see activation.Table.Open), or nil to
// open it here.
func ProbabilitiesFromLogits(fp *fixedpoint.API, p Params, z [][]frontend.Variable, exp *activation.OpenTable) [][]frontend.Variable {
	api := fp.Frontend()
	tbl := p.Exp()
	if exp == nil {
		exp = tbl.Open(api)
	}
	shift := new(big.Int).Lsh(big.NewInt(1), uint(p.logitShift()))
	return probabilitiesFromGrid(fp, p, len(z), func(i int) []frontend.Variable {
		t := make([]frontend.Variable, len(z[i]))
		for k := range t {
			t[k] = fp.DivRound(z[i][k], shift, p.logitBits())
		}
		return t
	}, exp)
}

// laneGrid is Logits rounded onto the exp table's grid with the products in
// lanes (package lanes): per class, N rows' logits to one constraint, divided
// lane by lane. The lanes are sized from the logit's bound (linreg's
// ErrorBits covers x·w + b·2^Data.Frac).
func laneGrid(fp *fixedpoint.API, p Params, x [][]frontend.Variable, w [][]frontend.Variable, b []frontend.Variable) [][]frontend.Variable {
	api := fp.Frontend()
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	shift := new(big.Int).Lsh(big.NewInt(1), uint(p.logitShift()))
	p.MustBound() // ErrorBits must bound the logits
	l := lanes.DivLanes(api.Compiler().Field(), p.ErrorBits(), shift, p.logitBits())
	grid := make([][]frontend.Variable, len(x))
	for k := 0; k < p.K; k++ {
		bias := api.Mul(b[k], dataScale)
		for g, s := range l.RowsDot(api, x, w[k]) {
			n := min(len(x), (g+1)*l.N) - g*l.N
			biases := make([]frontend.Variable, n)
			for m := range biases {
				biases[m] = bias
			}
			for m, t := range l.OpenDivRound(fp, api.Add(s, l.Combine(api, biases)), n, shift, p.logitBits()) {
				grid[g*l.N+m] = append(grid[g*l.N+m], t)
			}
		}
	}
	return grid
}

// probabilitiesFromGrid is the softmax of n rows of K logits on the exp
// table's grid; row(i) gives row i's, when its turn comes (so that the
// constraints keep their order).
func probabilitiesFromGrid(fp *fixedpoint.API, p Params, n int, row func(i int) []frontend.Variable, exp *activation.OpenTable) [][]frontend.Variable {
	api := fp.Frontend()
	tbl := p.Exp()
	if exp == nil {
		exp = tbl.Open(api)
	}
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	lb := p.logitBits()
	var args []frontend.Variable
	for i := 0; i < n; i++ {
		t := row(i)
		res, err := api.Compiler().NewHint(MaxHint, 1, t...)
		if err != nil {
			panic(err)
		}
		m := res[0]
		var prod frontend.Variable = 1
		for k := range t {
			d := api.Sub(m, t[k])
			fp.AssertUnsigned(d, lb+1)
			prod = api.Mul(prod, d)
			args = append(args, activation.Clamp(fp, d, tbl.Lo, tbl.Hi(), lb+1))
		}
		api.AssertIsEqual(prod, 0)
	}
	e := exp.Lookup(args...)
	probs := make([][]frontend.Variable, n)
	for i := range probs {
		row := e[i*p.K : (i+1)*p.K]
		var s frontend.Variable = 0
		for _, v := range row {
			s = api.Add(s, v)
		}
		for _, v := range row {
			probs[i] = append(probs[i], fp.DivFloorVar(api.Mul(v, dataScale), s, p.Data.Frac+1, p.sumBits()))
		}
	}
	return probs
}

// OneHot returns the K bits of label y, pinned to a single 1 at index y.
func OneHot(api frontend.API, y frontend.Variable, k int) []frontend.Variable {
	bits, err := api.Compiler().NewHint(OneHotHint, k, y)
	if err != nil {
		panic(err)
	}
	var sum, idx frontend.Variable = 0, 0
	for j, bt := range bits {
		api.AssertIsBoolean(bt)
		sum = api.Add(sum, bt)
		idx = api.Add(idx, api.Mul(bt, j))
	}
	api.AssertIsEqual(sum, 1)
	api.AssertIsEqual(idx, y)
	return bits
}

// Step returns the model after one step.
func Step(fp *fixedpoint.API, p Params, x [][]frontend.Variable, y []frontend.Variable, w [][]frontend.Variable, b []frontend.Variable, lr frontend.Variable) ([][]frontend.Variable, []frontend.Variable) {
	return StepWith(fp, p, nil, x, y, w, b, lr)
}

// StepWith is Step with the exp table open already (nil: opened here), so
// that the steps of a chain share one table.
func StepWith(fp *fixedpoint.API, p Params, exp *activation.OpenTable, x [][]frontend.Variable, y []frontend.Variable, w [][]frontend.Variable, b []frontend.Variable, lr frontend.Variable) ([][]frontend.Variable, []frontend.Variable) {
	api := fp.Frontend()
	var probs [][]frontend.Variable
	if p.Lanes && lanes.Pay(api) {
		if exp == nil {
			exp = p.Exp().Open(api)
		}
		grid := laneGrid(fp, p, x, w, b)
		probs = probabilitiesFromGrid(fp, p, len(grid), func(i int) []frontend.Variable { return grid[i] }, exp)
	} else {
		probs = ProbabilitiesFromLogits(fp, p, Logits(api, p, x, w, b), exp)
	}
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	errs := make([][]frontend.Variable, p.K) // per class, per row, scale Data.Frac
	for i := range x {
		oh := OneHot(api, y[i], p.K)
		for k := 0; k < p.K; k++ {
			errs[k] = append(errs[k], api.Sub(probs[i][k], api.Mul(oh[k], dataScale)))
		}
	}
	wAfter := make([][]frontend.Variable, p.K)
	bAfter := make([]frontend.Variable, p.K)
	for k := 0; k < p.K; k++ {
		wAfter[k], bAfter[k] = linreg.Update(fp, p.Params, x, errs[k], p.Data.Frac, p.Data.Frac+2, w[k], b[k], lr) // 0 <= probs < 2^(Data.Frac+1)
	}
	return wAfter, bAfter
}
