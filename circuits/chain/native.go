package chain

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/step"
)

// Commitment is the native twin of the in-circuit model commitments, for
// the model's committed values.
func (p Params) Commitment(curve ecc.ID, values []int64) (frontend.Variable, error) {
	return step.CommitModel(curve, p.ModelDomain(), values)
}

// Assign runs K native steps from batch first, from the model with
// committed values m, and returns the assignment and the last model's
// values. With Wrap, step t takes batch (first + t) mod the set's batches.
func (p Params) Assign(ds *commit.Dataset, first int, m []int64, lr int64) (*Circuit, []int64, error) {
	if err := ds.Expect(p.Step.Shape().TrainSet()); err != nil {
		return nil, nil, fmt.Errorf("chain: %w", err)
	}
	nb := ds.NumBatches()
	switch {
	case first < 0 || first >= nb:
		return nil, nil, fmt.Errorf("chain: first batch %d outside the dataset's %d", first, nb)
	case !p.Wrap && first+p.K > nb:
		return nil, nil, fmt.Errorf("chain: batches %d..%d outside the dataset's %d (a chain past the last batch must wrap)", first, first+p.K-1, nb)
	case p.Set > 0 && (p.Set != nb || first != 0 || p.K%nb != 0):
		return nil, nil, fmt.Errorf("chain: a whole-set chain of %d steps over %d batches from batch 0, asked for %d steps from batch %d of %d", p.K, p.Set, p.K, first, nb)
	}
	if want := p.ModelDomain().Values; len(m) != want {
		return nil, nil, fmt.Errorf("chain: %d model values, the %s model has %d", len(m), p.ModelDomain().Name, want)
	}
	c := NewCircuit(p)
	before, err := p.Commitment(ds.Curve, m)
	if err != nil {
		return nil, nil, err
	}
	for j, v := range m {
		c.Model[j] = v
	}
	cur := m
	for t := 0; t < p.K; t++ {
		k := (first + t) % nb
		rows := ds.Batch(k)
		if cur, err = p.Step.NativeStepValues(cur, rows, lr); err != nil {
			return nil, nil, fmt.Errorf("chain: step %d: %w", t, err)
		}
		if p.Set > 0 {
			if t < nb {
				step.FillBatch(c.X[t], c.Y[t], rows)
			}
			continue
		}
		if c.Siblings[t], err = ds.Siblings(k); err != nil {
			return nil, nil, err
		}
		step.FillBatch(c.X[t], c.Y[t], rows)
	}
	after, err := p.Commitment(ds.Curve, cur)
	if err != nil {
		return nil, nil, err
	}
	c.DatasetRoot, c.FirstBatch, c.LearningRate, c.ModelFirst, c.ModelLast = ds.Root(), first, lr, before, after
	c.Batches, c.Steps = ds.NumBatches(), p.K
	return c, cur, nil
}
