package score

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/limbcheck"
)

// A score bound into a sale (package chain's Sold) need not publish its
// claims: the buyer pays for a target, not for an exact score. BoundScore
// and BoundClassScore are FoldedScore and FoldedClassScore with the claims
// private; the embedding circuit takes one public bound per claim and
// asserts, with AssertBounds,
//
//	LossSum <= MaxLossSum    (BoundScore only)
//	Correct >= MinCorrect
//
// A verifier that knows the target when it is built (the sale contract's,
// whose inputs the buyer's terms give are folded into its key) then takes
// no input for the score at all.
//
// Cost: Score's or ClassScore's, plus one range check of BoundBits bits per
// claim (ceil(240/b) limb lookups, b the circuit's limb width).
//
// Soundness: each comparison is claim - bound ∈ [0, 2^BoundBits) (or bound -
// claim), in the field. The claims are below 2^BoundBits by the score's own
// statement (Correct <= N; a loss sum below 2^lossBits), and the verifier
// takes bounds below 2^BoundBits (CheckBound); for such a and b, a - b mod r
// is below 2^BoundBits exactly when a >= b, since otherwise it is
// r - (b - a) > r - 2^BoundBits > 2^BoundBits.

// BoundBits bounds the claims and their bounds: the widest range check
// (package limbcheck's MaxBits).
const BoundBits = limbcheck.MaxBits

// NoLossBound is the loss bound of a buyer who sets none: every loss sum is
// at most it.
var NoLossBound = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), BoundBits), big.NewInt(1))

// CheckBound refuses a bound the comparisons do not cover: negative, or not
// below 2^BoundBits.
func CheckBound(b *big.Int) error {
	if b == nil || b.Sign() < 0 || b.BitLen() > BoundBits {
		return fmt.Errorf("score: a bound of %v (bounds are integers in [0, 2^%d))", b, BoundBits)
	}
	return nil
}

// BoundScore is FoldedScore with its claims private.
type BoundScore struct {
	Heldout     frontend.Variable `gnark:",public"`
	HeldoutRows frontend.Variable `gnark:",public"`
	Model       frontend.Variable `gnark:"-"` // set by the embedding circuit (SetModel)
	LossSum     frontend.Variable
	Correct     frontend.Variable

	Rows [][]frontend.Variable
	W    []frontend.Variable
	Bias frontend.Variable

	Params Params `gnark:"-"`
}

// SetModel gives the statement its model commitment.
func (c *BoundScore) SetModel(m frontend.Variable) { c.Model = m }

// Define implements frontend.Circuit: Score's statement.
func (c *BoundScore) Define(api frontend.API) error { return (*Score)(c).Define(api) }

// Claims are the summed loss and the correct answers.
func (c *BoundScore) Claims() []frontend.Variable { return []frontend.Variable{c.LossSum, c.Correct} }

// AssertBounds asserts LossSum <= bounds[0] and Correct >= bounds[1].
func (c *BoundScore) AssertBounds(api frontend.API, bounds []frontend.Variable) error {
	if len(bounds) != 2 {
		return fmt.Errorf("score: %d bounds for a score of 2 claims", len(bounds))
	}
	fp := fixedpoint.For(api, c.Params.Model.LimbChecks)
	fp.AssertUnsigned(api.Sub(bounds[0], c.LossSum), BoundBits)
	fp.AssertUnsigned(api.Sub(c.Correct, bounds[1]), BoundBits)
	return nil
}

// BoundClassScore is FoldedClassScore with its claim private.
type BoundClassScore struct {
	Heldout     frontend.Variable `gnark:",public"`
	HeldoutRows frontend.Variable `gnark:",public"`
	Model       frontend.Variable `gnark:"-"` // set by the embedding circuit (SetModel)
	Correct     frontend.Variable

	Rows   [][]frontend.Variable
	Values []frontend.Variable

	Params ClassParams `gnark:"-"`
}

// SetModel gives the statement its model commitment.
func (c *BoundClassScore) SetModel(m frontend.Variable) { c.Model = m }

// Define implements frontend.Circuit: ClassScore's statement.
func (c *BoundClassScore) Define(api frontend.API) error { return (*ClassScore)(c).Define(api) }

// Claims are the correct answers.
func (c *BoundClassScore) Claims() []frontend.Variable { return []frontend.Variable{c.Correct} }

// AssertBounds asserts Correct >= bounds[0].
func (c *BoundClassScore) AssertBounds(api frontend.API, bounds []frontend.Variable) error {
	if len(bounds) != 1 {
		return fmt.Errorf("score: %d bounds for a score of 1 claim", len(bounds))
	}
	fp := fixedpoint.For(api, c.Params.Model.LimbChecked())
	fp.AssertUnsigned(api.Sub(c.Correct, bounds[0]), BoundBits)
	return nil
}

// Bounded is a folded score whose claims are private and bounded by the
// embedding circuit.
type Bounded interface {
	Folded
	Claims() []frontend.Variable
	AssertBounds(api frontend.API, bounds []frontend.Variable) error
}

// Bind returns the bound form of a folded score circuit or assignment (a
// FoldedScore or a FoldedClassScore): the same values, the claims private.
func Bind(c frontend.Circuit) (Bounded, error) {
	switch s := c.(type) {
	case *FoldedScore:
		return (*BoundScore)(s), nil
	case *FoldedClassScore:
		return (*BoundClassScore)(s), nil
	case Bounded:
		return s, nil
	}
	return nil, fmt.Errorf("score: no bound form of %T", c)
}
