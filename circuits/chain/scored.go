package chain

import "github.com/consensys/gnark/frontend"

// A ScoreStatement is a held-out score circuit whose model commitment the
// embedding circuit supplies (package score's FoldedScore and
// FoldedClassScore, from score.Fold): SetModel before Define.
type ScoreStatement interface {
	frontend.Circuit
	SetModel(m frontend.Variable)
}

// Scored is a chain and the held-out score of the model it ends at, in one
// proof ("-fold-score"): the chain's statement and the score's, the score
// taking ModelLast as the commitment of the model it scores. Its public
// inputs are the chain's seven, then the score's but its model commitment
// (held-out root, rows, [summed loss,] correct answers), so a whole run is
// one proof, verified once.
//
// Cost: the chain's and the score's constraints; the range checks and
// lookups of both share one log-derivative argument.
//
// Soundness: each part's (package chain's, package score's); the score
// hashes the model values it evaluates and asserts the digest equal to
// ModelLast, so the scored model is the model the steps reached.
type Scored struct {
	Chain *Circuit
	Score ScoreStatement
}

// Define implements frontend.Circuit.
func (c *Scored) Define(api frontend.API) error {
	if err := c.Chain.Define(api); err != nil {
		return err
	}
	c.Score.SetModel(c.Chain.ModelLast)
	return c.Score.Define(api)
}
