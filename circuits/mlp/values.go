package mlp

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// The network on its committed values, as the held-out class score
// (package score's Classifier) and a chain of steps (package chain's
// Stepper) read it: H hidden units of D weights then a bias, then K output
// units of H weights then a bias.

// NumClasses is the network's number of classes K.
func (p Params) NumClasses() int { return p.K }

// unflatten is both layers' weights and biases of committed values v.
func (p Params) unflatten(v []frontend.Variable) (w1 [][]frontend.Variable, b1 []frontend.Variable, w2 [][]frontend.Variable, b2 []frontend.Variable) {
	unit := func(at, n int) ([]frontend.Variable, frontend.Variable) { return v[at : at+n], v[at+n] }
	w1, b1 = make([][]frontend.Variable, p.H), make([]frontend.Variable, p.H)
	for h := range w1 {
		w1[h], b1[h] = unit(h*(p.D+1), p.D)
	}
	off := p.H * (p.D + 1)
	w2, b2 = make([][]frontend.Variable, p.K), make([]frontend.Variable, p.K)
	for j := range w2 {
		w2[j], b2[j] = unit(off+j*(p.H+1), p.H)
	}
	return w1, b1, w2, b2
}

// CircuitLogits are the exact logits of rows x under the network with
// committed values v (Forward, with its Freivalds-checked products), and
// the bits that bound them.
func (p Params) CircuitLogits(fp *fixedpoint.API, x [][]frontend.Variable, v []frontend.Variable) ([][]frontend.Variable, int) {
	w1, b1, w2, b2 := p.unflatten(v)
	_, _, z := Forward(fp, p, x, w1, b1, w2, b2)
	return z, p.LogitBits()
}

// ValueLogits is CircuitLogits' native twin for one row's features.
func (p Params) ValueLogits(v []int64, features []int64) ([]*big.Int, error) {
	return p.NativeLogits(p.FromValues(v), features)
}

// CheckLabel: nothing before hashing; Step pins each label to a class
// (softmax.OneHot).
func (p Params) CheckLabel(frontend.API, frontend.Variable) {}

// Steps opens the exp table every step shares (before any Freivalds check)
// and returns the step on committed values.
func (p Params) Steps(fp *fixedpoint.API) func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
	exp := p.OpenExp(fp.Frontend())
	return func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
		w1, b1, w2, b2 := p.unflatten(v)
		w1, b1, w2, b2 = StepWith(fp, p, exp, x, y, w1, b1, w2, b2, lr)
		return flatten(w1, b1, w2, b2)
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
