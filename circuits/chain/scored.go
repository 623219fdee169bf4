package chain

import "github.com/consensys/gnark/frontend"

// A ScoreStatement is a held-out score circuit (package score's Score and
// ClassScore): its model commitment is a public input.
type ScoreStatement interface {
	frontend.Circuit
	ModelCommitment() frontend.Variable
}

// Scored is a chain and the held-out score of the model it ends at, in one
// proof ("-fold-score"): the chain's statement and the score's, with the
// score's model commitment asserted equal to ModelLast. Its public inputs
// are the chain's seven, then the score's (its model commitment among them,
// the same value as ModelLast), so a whole run is one proof, verified once.
//
// Cost: the chain's and the score's constraints and one equality; the range
// checks and lookups of both share one log-derivative argument.
//
// Soundness: each part's (package chain's, package score's); the equality
// makes the scored model the model the steps reached.
type Scored struct {
	Chain *Circuit
	Score ScoreStatement
}

// Define implements frontend.Circuit.
func (c *Scored) Define(api frontend.API) error {
	if err := c.Chain.Define(api); err != nil {
		return err
	}
	if err := c.Score.Define(api); err != nil {
		return err
	}
	api.AssertIsEqual(c.Score.ModelCommitment(), c.Chain.ModelLast)
	return nil
}
