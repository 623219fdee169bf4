// Package chain proves K consecutive SGD steps in one proof: the model
// committed by ModelFirst, trained on batches FirstBatch, FirstBatch+1, ...,
// FirstBatch+K-1 (each below Batches) of the dataset of Batches batches
// committed by DatasetRoot, becomes the model committed by ModelLast. The
// intermediate models stay private and are only range-checked, so the two
// model commitments are paid once per chain rather than once per step.
//
// Steps is public and asserted equal to the circuit's K: a verifier passes
// the number of steps it counts for the proof, so a step's key (one input
// fewer) or another chain's key (another K) cannot stand in for this one.
package chain

import (
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/step"
)

// Inputs is the number of public inputs of a chain.
const Inputs = 7

// Params fix the chain length and the step.
type Params struct {
	K        int
	Logistic bool          // logistic-regression steps; least squares otherwise
	Step     logreg.Params // the step's shape (SigmoidFrac used only when Logistic)
}

// Circuit is the statement of a chain of K steps.
type Circuit struct {
	DatasetRoot  frontend.Variable `gnark:",public"`
	FirstBatch   frontend.Variable `gnark:",public"`
	LearningRate frontend.Variable `gnark:",public"`
	ModelFirst   frontend.Variable `gnark:",public"`
	ModelLast    frontend.Variable `gnark:",public"`
	Batches      frontend.Variable `gnark:",public"` // batches of the training set
	Steps        frontend.Variable `gnark:",public"` // K

	X        [][][]frontend.Variable // K × B × D
	Y        [][]frontend.Variable   // K × B
	Siblings [][]frontend.Variable   // K Merkle paths
	W        []frontend.Variable     // the first model
	Bias     frontend.Variable

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit of the given shape.
func NewCircuit(p Params) *Circuit {
	s := p.Step
	c := &Circuit{Params: p, W: make([]frontend.Variable, s.D)}
	for range p.K {
		x := make([][]frontend.Variable, s.B)
		for i := range x {
			x[i] = make([]frontend.Variable, s.D)
		}
		c.X = append(c.X, x)
		c.Y = append(c.Y, make([]frontend.Variable, s.B))
		c.Siblings = append(c.Siblings, make([]frontend.Variable, s.Depth))
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p, s := c.Params, c.Params.Step
	fp := fixedpoint.New(api)
	dom, set := p.ModelDomain(), s.Shape().TrainSet()
	if err := step.BindModel(fp, dom, append(append([]frontend.Variable{}, c.W...), c.Bias), c.ModelFirst); err != nil {
		return err
	}
	fp.AssertUnsigned(c.LearningRate, s.LRBits)
	api.AssertIsEqual(c.Steps, p.K)

	w, b := c.W, c.Bias
	for t := 0; t < p.K; t++ {
		rows := make([][]frontend.Variable, s.B)
		for i := range rows {
			rows[i] = append(append([]frontend.Variable{}, c.X[t][i]...), c.Y[t][i])
			if p.Logistic {
				api.AssertIsBoolean(c.Y[t][i])
			}
		}
		if err := commit.VerifyRows(fp, set, c.DatasetRoot, c.Batches, api.Add(c.FirstBatch, t), rows, c.Siblings[t]); err != nil {
			return err
		}
		if t > 0 { // the first model is range-checked by its commitment
			for _, v := range append(append([]frontend.Variable{}, w...), b) {
				fp.AssertSigned(v, s.Model.Bits)
			}
		}
		if p.Logistic {
			w, b = logreg.Step(fp, s, c.X[t], c.Y[t], w, b, c.LearningRate)
		} else {
			w, b = linreg.Step(fp, s.Params, c.X[t], c.Y[t], w, b, c.LearningRate)
		}
	}
	return step.BindModel(fp, dom, append(w, b), c.ModelLast)
}

// ModelDomain is the commitment domain of the chain's models: logistic or
// linear, as its steps.
func (p Params) ModelDomain() commit.Domain {
	if p.Logistic {
		return p.Step.ModelDomain()
	}
	return p.Step.Params.ModelDomain()
}
