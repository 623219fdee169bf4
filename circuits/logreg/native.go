package logreg

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/step"
)

// Commitment is the native twin of the in-circuit model commitment.
func (p Params) Commitment(curve ecc.ID, m linreg.Model) (frontend.Variable, error) {
	return step.CommitModel(curve, p.ModelDomain(), m.Values())
}

// NativeStep is the native mirror: the model after one step on rows (D
// features, then the 0/1 label).
func (p Params) NativeStep(m linreg.Model, rows [][]int64, lr int64) (linreg.Model, error) {
	if len(rows) != p.B || len(m.W) != p.D {
		return linreg.Model{}, fmt.Errorf("logreg: batch of %d rows and %d weights, want %d and %d", len(rows), len(m.W), p.B, p.D)
	}
	if lr < 0 || lr >= int64(1)<<p.LRBits {
		return linreg.Model{}, fmt.Errorf("logreg: learning rate %d outside [0, 2^%d)", lr, p.LRBits)
	}
	for _, v := range m.Values() {
		if err := p.Model.Check(v); err != nil {
			return linreg.Model{}, fmt.Errorf("logreg: model: %w", err)
		}
	}
	tbl := p.Sigmoid()
	shift := big.NewInt(1 << p.logitShift())
	e := make([]int64, p.B)
	for i, r := range rows {
		if len(r) != p.D+1 {
			return linreg.Model{}, fmt.Errorf("logreg: row %d has %d values, want %d features and a label", i, len(r), p.D+1)
		}
		for _, v := range r {
			if err := p.Data.Check(v); err != nil {
				return linreg.Model{}, fmt.Errorf("logreg: row %d: %w", i, err)
			}
		}
		if y := r[p.D]; y != 0 && y != 1 {
			return linreg.Model{}, fmt.Errorf("logreg: row %d: label %d is not 0 or 1", i, y)
		}
		z := m.Bias << p.Data.Frac
		for j := 0; j < p.D; j++ {
			z += r[j] * m.W[j]
		}
		t := fixedpoint.DivRound(big.NewInt(z), shift).Int64()
		e[i] = tbl.Native(activation.NativeClamp(t, tbl.Lo, tbl.Hi())) - r[p.D]<<p.Data.Frac
	}
	next, err := p.NativeUpdate(m, rows, e, p.Data.Frac, lr)
	if err != nil {
		return linreg.Model{}, fmt.Errorf("logreg: %w", err)
	}
	return next, nil
}

// Predict returns the model's probability of class 1 for a row, at the data
// scale, exactly as the circuit computes it.
func (p Params) Predict(m linreg.Model, features []int64) int64 {
	tbl := p.Sigmoid()
	z := m.Bias << p.Data.Frac
	for j, x := range features {
		z += x * m.W[j]
	}
	t := fixedpoint.DivRound(big.NewInt(z), big.NewInt(1<<p.logitShift())).Int64()
	return tbl.Native(activation.NativeClamp(t, tbl.Lo, tbl.Hi()))
}

// Assign runs the native step on batch k of ds and returns the assignment.
func (p Params) Assign(ds *commit.Dataset, k int, m linreg.Model, lr int64) (*Circuit, linreg.Model, error) {
	t, err := step.Run("logreg", ds, p.Shape(), k, m, lr, p.NativeStep, p.Commitment)
	if err != nil {
		return nil, linreg.Model{}, err
	}
	rows, siblings, next := t.Rows, t.Siblings, t.Next
	c := NewCircuit(p)
	c.Public = t.Public
	step.FillBatch(c.X, c.Y, rows)
	for j, w := range m.W {
		c.W[j] = w
	}
	c.Bias, c.Siblings = m.Bias, siblings
	return c, next, nil
}
