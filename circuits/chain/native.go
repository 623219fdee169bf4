package chain

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/step"
)

// Commitment is the native twin of the in-circuit model commitments.
func (p Params) Commitment(curve ecc.ID, m linreg.Model) (frontend.Variable, error) {
	return step.CommitModel(curve, p.ModelDomain(), m.Values())
}

// Assign runs K native steps from batch first and returns the assignment
// and the last model.
func (p Params) Assign(ds *commit.Dataset, first int, m linreg.Model, lr int64) (*Circuit, linreg.Model, error) {
	s := p.Step
	if err := ds.Expect(s.Shape().TrainSet()); err != nil {
		return nil, linreg.Model{}, fmt.Errorf("chain: %w", err)
	}
	if first < 0 || first+p.K > ds.NumBatches() {
		return nil, linreg.Model{}, fmt.Errorf("chain: batches %d..%d outside the dataset's %d", first, first+p.K-1, ds.NumBatches())
	}
	c := NewCircuit(p)
	before, err := p.Commitment(ds.Curve, m)
	if err != nil {
		return nil, linreg.Model{}, err
	}
	for j, v := range m.W {
		c.W[j] = v
	}
	c.Bias = m.Bias
	cur := m
	for t := 0; t < p.K; t++ {
		k := first + t
		rows := ds.Batch(k)
		if p.Logistic {
			cur, err = s.NativeStep(cur, rows, lr)
		} else {
			cur, err = s.Params.NativeStep(cur, rows, lr)
		}
		if err != nil {
			return nil, linreg.Model{}, fmt.Errorf("chain: step %d: %w", t, err)
		}
		if c.Siblings[t], err = ds.Siblings(k); err != nil {
			return nil, linreg.Model{}, err
		}
		step.FillBatch(c.X[t], c.Y[t], rows)
	}
	after, err := p.Commitment(ds.Curve, cur)
	if err != nil {
		return nil, linreg.Model{}, err
	}
	c.DatasetRoot, c.FirstBatch, c.LearningRate, c.ModelFirst, c.ModelLast = ds.Root(), first, lr, before, after
	c.Batches, c.Steps = ds.NumBatches(), p.K
	return c, cur, nil
}
