package softmax

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// The model on its committed values, as the held-out class score (package
// score's Classifier) and a chain of steps (package chain's Stepper) read
// it: K units of D weights then a bias.

// NumClasses is the model's number of classes K.
func (p Params) NumClasses() int { return p.K }

// unflatten is the weights and biases of committed values v.
func (p Params) unflatten(v []frontend.Variable) ([][]frontend.Variable, []frontend.Variable) {
	w, b := make([][]frontend.Variable, p.K), make([]frontend.Variable, p.K)
	for j := range w {
		at := j * (p.D + 1)
		w[j], b[j] = v[at:at+p.D], v[at+p.D]
	}
	return w, b
}

// CircuitLogits are the exact logits of rows x under the model with
// committed values v (Logits), and the bits that bound them.
func (p Params) CircuitLogits(fp *fixedpoint.API, x [][]frontend.Variable, v []frontend.Variable) ([][]frontend.Variable, int) {
	w, b := p.unflatten(v)
	return Logits(fp.Frontend(), p, x, w, b), p.LogitBits()
}

// ValueLogits is CircuitLogits' native twin for one row's features.
func (p Params) ValueLogits(v []int64, features []int64) ([]*big.Int, error) {
	return p.NativeLogits(p.FromValues(v), features), nil
}

// CheckLabel: nothing before hashing; Step pins each label to a class
// (OneHot).
func (p Params) CheckLabel(frontend.API, frontend.Variable) {}

// Steps opens the exp table every step shares and returns the step on
// committed values.
func (p Params) Steps(fp *fixedpoint.API) func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
	exp := p.Exp().Open(fp.Frontend())
	return func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
		w, b := p.unflatten(v)
		w, b = StepWith(fp, p, exp, x, y, w, b, lr)
		return flatten(w, b)
	}
}

// NativeStepValues is NativeStep on committed values.
func (p Params) NativeStepValues(v []int64, rows [][]int64, lr int64) ([]int64, error) {
	m, err := p.NativeStep(p.FromValues(v), rows, lr)
	if err != nil {
		return nil, err
	}
	return m.Values(), nil
}
