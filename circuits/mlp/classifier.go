package mlp

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// What the held-out class score (package score's Classifier) reads of the
// network: its shape and its logits from the committed values.

// Features is the network's input width D.
func (p Params) Features() int { return p.D }

// NumClasses is the network's number of classes K.
func (p Params) NumClasses() int { return p.K }

// DataFormat is the rows' fixed-point format.
func (p Params) DataFormat() fixedpoint.Format { return p.Data }

// CircuitLogits are the exact logits of rows x under the network with
// committed values v (Forward, with its Freivalds-checked products), and
// the bits that bound them.
func (p Params) CircuitLogits(fp *fixedpoint.API, x [][]frontend.Variable, v []frontend.Variable) ([][]frontend.Variable, int) {
	unit := func(at, n int) ([]frontend.Variable, frontend.Variable) { return v[at : at+n], v[at+n] }
	w1, b1 := make([][]frontend.Variable, p.H), make([]frontend.Variable, p.H)
	for h := range w1 {
		w1[h], b1[h] = unit(h*(p.D+1), p.D)
	}
	off := p.H * (p.D + 1)
	w2, b2 := make([][]frontend.Variable, p.K), make([]frontend.Variable, p.K)
	for j := range w2 {
		w2[j], b2[j] = unit(off+j*(p.H+1), p.H)
	}
	_, _, z := Forward(fp, p, x, w1, b1, w2, b2)
	return z, p.LogitBits()
}

// ValueLogits is CircuitLogits' native twin for one row's features.
func (p Params) ValueLogits(v []int64, features []int64) ([]*big.Int, error) {
	return p.NativeLogits(p.FromValues(v), features)
}
