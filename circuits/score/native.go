package score

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

// NativeScore is the twin of the circuits' evaluation: summed loss and
// correct predictions of m on rows.
func (p Params) NativeScore(m linreg.Model, rows [][]int64) (*big.Int, int64, error) {
	mp := p.Model
	if len(rows) != p.N || len(m.W) != mp.D {
		return nil, 0, fmt.Errorf("score: %d rows and %d weights, want %d and %d", len(rows), len(m.W), p.N, mp.D)
	}
	loss := new(big.Int)
	var correct int64
	sp := p.Softplus()
	shift := big.NewInt(1 << (mp.Data.Frac + mp.Model.Frac - mp.SigmoidFrac))
	for i, r := range rows {
		if len(r) != mp.D+1 {
			return nil, 0, fmt.Errorf("score: row %d has %d values, want %d", i, len(r), mp.D+1)
		}
		if !p.Logistic {
			e := big.NewInt(m.Bias<<mp.Data.Frac - r[mp.D]<<mp.Model.Frac)
			for j := 0; j < mp.D; j++ {
				e.Add(e, big.NewInt(r[j]*m.W[j]))
			}
			loss.Add(loss, e.Mul(e, e))
			continue
		}
		z := m.Bias << mp.Data.Frac
		for j := 0; j < mp.D; j++ {
			z += r[j] * m.W[j]
		}
		c := activation.NativeClamp(fixedpoint.DivRound(big.NewInt(z), shift).Int64(), sp.Lo, sp.Hi())
		arg := c
		if r[mp.D] == 1 {
			arg = activation.NativeClamp(-c, sp.Lo, sp.Hi())
		}
		loss.Add(loss, big.NewInt(sp.Native(arg)))
		if (c >= 0) == (r[mp.D] == 1) {
			correct++
		}
	}
	return loss, correct, nil
}

// HeldoutSet commits rows as a held-out set: one batch of all rows.
func (p Params) HeldoutSet(rows [][]int64) (*commit.Dataset, error) {
	if len(rows) != p.N {
		return nil, fmt.Errorf("score: %d held-out rows, circuit expects %d", len(rows), p.N)
	}
	return commit.NewDataset(commit.RoleHeldout, rows, p.N, p.Model.Data)
}

func assignRows(dst [][]frontend.Variable, rows [][]int64) {
	for i, r := range rows {
		for j, v := range r {
			dst[i][j] = v
		}
	}
}

// AssignScore builds the Score assignment for m on the held-out set.
func (p Params) AssignScore(set *commit.Dataset, m linreg.Model) (*Score, error) {
	loss, correct, err := p.NativeScore(m, set.Batch(0))
	if err != nil {
		return nil, err
	}
	if err := set.Expect(p.Set()); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	h, err := p.Commitment(set.Curve, m)
	if err != nil {
		return nil, err
	}
	c := NewScore(p)
	c.Heldout, c.HeldoutRows, c.Model, c.LossSum, c.Correct = set.Root(), p.N, h, loss, correct
	assignRows(c.Rows, set.Batch(0))
	for j, v := range m.W {
		c.W[j] = v
	}
	c.Bias = m.Bias
	return c, nil
}

// AssignImprovement builds the Improvement assignment; it fails natively
// when after does not beat before by margin.
func (p Params) AssignImprovement(set *commit.Dataset, before, after linreg.Model, margin *big.Int) (*Improvement, error) {
	lb, _, err := p.NativeScore(before, set.Batch(0))
	if err != nil {
		return nil, err
	}
	la, _, err := p.NativeScore(after, set.Batch(0))
	if err != nil {
		return nil, err
	}
	if gain := new(big.Int).Sub(lb, la); gain.Cmp(margin) < 0 {
		return nil, fmt.Errorf("score: the second model improves the loss by %s, less than the margin %s", gain, margin)
	}
	if err := set.Expect(p.Set()); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	hb, err := p.Commitment(set.Curve, before)
	if err != nil {
		return nil, err
	}
	ha, err := p.Commitment(set.Curve, after)
	if err != nil {
		return nil, err
	}
	c := NewImprovement(p)
	c.Heldout, c.Before, c.After, c.Margin = set.Root(), hb, ha, margin
	assignRows(c.Rows, set.Batch(0))
	for j := range before.W {
		c.WBefore[j], c.WAfter[j] = before.W[j], after.W[j]
	}
	c.BiasBefore, c.BiasAfter = before.Bias, after.Bias
	return c, nil
}
