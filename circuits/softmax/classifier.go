package softmax

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// What the held-out class score (package score's Classifier) reads of a
// softmax model: its shape and its logits from the committed values.

// Features is the model's input width D.
func (p Params) Features() int { return p.D }

// NumClasses is the model's number of classes K.
func (p Params) NumClasses() int { return p.K }

// DataFormat is the rows' fixed-point format.
func (p Params) DataFormat() fixedpoint.Format { return p.Data }

// CircuitLogits are the exact logits of rows x under the model with
// committed values v (Logits), and the bits that bound them.
func (p Params) CircuitLogits(fp *fixedpoint.API, x [][]frontend.Variable, v []frontend.Variable) ([][]frontend.Variable, int) {
	w, b := make([][]frontend.Variable, p.K), make([]frontend.Variable, p.K)
	for j := range w {
		at := j * (p.D + 1)
		w[j], b[j] = v[at:at+p.D], v[at+p.D]
	}
	return Logits(fp.Frontend(), p, x, w, b), p.LogitBits()
}

// ValueLogits is CircuitLogits' native twin for one row's features.
func (p Params) ValueLogits(v []int64, features []int64) ([]*big.Int, error) {
	return p.NativeLogits(p.FromValues(v), features), nil
}
