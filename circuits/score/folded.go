package score

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
)

// A score folded into another statement (package chain's Scored: a chain
// and the score of the model it ends at, in one proof) does not need its
// model commitment as a public input: the embedding circuit already has it
// as a variable (the chain's last model) and hands it over with SetModel
// before Define. FoldedScore and FoldedClassScore are Score and ClassScore
// with that one field left out of the witness (gnark:"-"); everything else,
// constraints included, is the same statement, so the score's model values
// are hashed and asserted equal to the embedding circuit's variable. Public
// inputs: held-out root, rows, [summed loss,] correct answers.
//
// Saving: one public input (about 7,000 gas in gnark's Solidity verifier)
// and the equality that tied the duplicate to the chain's last model.

// FoldedScore is Score without its model commitment in the witness.
type FoldedScore struct {
	Heldout     frontend.Variable `gnark:",public"`
	HeldoutRows frontend.Variable `gnark:",public"`
	Model       frontend.Variable `gnark:"-"` // set by the embedding circuit (SetModel)
	LossSum     frontend.Variable `gnark:",public"`
	Correct     frontend.Variable `gnark:",public"`

	Rows [][]frontend.Variable
	W    []frontend.Variable
	Bias frontend.Variable

	Params Params `gnark:"-"`
}

// SetModel gives the statement its model commitment.
func (c *FoldedScore) SetModel(m frontend.Variable) { c.Model = m }

// Define implements frontend.Circuit: Score's statement.
func (c *FoldedScore) Define(api frontend.API) error { return (*Score)(c).Define(api) }

// FoldedClassScore is ClassScore without its model commitment in the
// witness.
type FoldedClassScore struct {
	Heldout     frontend.Variable `gnark:",public"`
	HeldoutRows frontend.Variable `gnark:",public"`
	Model       frontend.Variable `gnark:"-"` // set by the embedding circuit (SetModel)
	Correct     frontend.Variable `gnark:",public"`

	Rows   [][]frontend.Variable
	Values []frontend.Variable

	Params ClassParams `gnark:"-"`
}

// SetModel gives the statement its model commitment.
func (c *FoldedClassScore) SetModel(m frontend.Variable) { c.Model = m }

// Define implements frontend.Circuit: ClassScore's statement.
func (c *FoldedClassScore) Define(api frontend.API) error { return (*ClassScore)(c).Define(api) }

// Folded is a score statement whose model commitment the embedding circuit
// supplies.
type Folded interface {
	frontend.Circuit
	SetModel(m frontend.Variable)
}

// Fold returns the folded form of a score circuit or assignment (a Score or
// a ClassScore): the same values, viewed without the model commitment as a
// public input.
func Fold(c frontend.Circuit) (Folded, error) {
	switch s := c.(type) {
	case *Score:
		return (*FoldedScore)(s), nil
	case *ClassScore:
		return (*FoldedClassScore)(s), nil
	}
	return nil, fmt.Errorf("score: no folded form of %T", c)
}
