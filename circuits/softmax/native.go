package softmax

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

// Zero is the all-zero model.
func (p Params) Zero() Model {
	m := Model{}
	for range p.K {
		m.Classes = append(m.Classes, linreg.Model{W: make([]int64, p.D)})
	}
	return m
}

// Commitment is the native twin of the in-circuit model commitment.
func (p Params) Commitment(curve ecc.ID, m Model) (frontend.Variable, error) {
	return step.CommitModel(curve, p.ModelDomain(), m.Values())
}

// NativeProbabilities is the twin of Probabilities for one row.
func (p Params) NativeProbabilities(m Model, features []int64) []int64 {
	return p.NativeProbabilitiesFromLogits(p.NativeLogits(m, features))
}

// NativeLogits is the twin of Logits for one row.
func (p Params) NativeLogits(m Model, features []int64) []*big.Int {
	z := make([]*big.Int, p.K)
	for k, c := range m.Classes {
		acc := c.Bias << p.Data.Frac
		for j, x := range features {
			acc += x * c.W[j]
		}
		z[k] = big.NewInt(acc)
	}
	return z
}

// NativeProbabilitiesFromLogits is the twin of ProbabilitiesFromLogits for one row.
func (p Params) NativeProbabilitiesFromLogits(z []*big.Int) []int64 {
	tbl := p.Exp()
	shift := big.NewInt(1 << p.logitShift())
	t := make([]int64, p.K)
	mx := int64(0)
	for k := range z {
		t[k] = fixedpoint.DivRound(z[k], shift).Int64()
		if k == 0 || t[k] > mx {
			mx = t[k]
		}
	}
	e := make([]int64, p.K)
	var s int64
	for k := range t {
		e[k] = tbl.Native(activation.NativeClamp(mx-t[k], tbl.Lo, tbl.Hi()))
		s += e[k]
	}
	out := make([]int64, p.K)
	for k := range e {
		out[k] = (e[k] << p.Data.Frac) / s
	}
	return out
}

// NativeStep is the native mirror of one step on rows (D features, then the label).
func (p Params) NativeStep(m Model, rows [][]int64, lr int64) (Model, error) {
	if len(rows) != p.B || len(m.Classes) != p.K {
		return Model{}, fmt.Errorf("softmax: batch of %d rows and %d classes, want %d and %d", len(rows), len(m.Classes), p.B, p.K)
	}
	if lr < 0 || lr >= int64(1)<<p.LRBits {
		return Model{}, fmt.Errorf("softmax: learning rate %d outside [0, 2^%d)", lr, p.LRBits)
	}
	for _, v := range m.Values() {
		if err := p.Model.Check(v); err != nil {
			return Model{}, fmt.Errorf("softmax: model: %w", err)
		}
	}
	errs := make([][]int64, p.K)
	for i, r := range rows {
		if len(r) != p.D+1 {
			return Model{}, fmt.Errorf("softmax: row %d has %d values, want %d features and a label", i, len(r), p.D+1)
		}
		for _, v := range r[:p.D] {
			if err := p.Data.Check(v); err != nil {
				return Model{}, fmt.Errorf("softmax: row %d: %w", i, err)
			}
		}
		y := r[p.D]
		if y < 0 || y >= int64(p.K) {
			return Model{}, fmt.Errorf("softmax: row %d: label %d outside 0..%d", i, y, p.K-1)
		}
		probs := p.NativeProbabilities(m, r[:p.D])
		for k := range probs {
			e := probs[k]
			if int64(k) == y {
				e -= 1 << p.Data.Frac
			}
			errs[k] = append(errs[k], e)
		}
	}
	out := Model{}
	for k, c := range m.Classes {
		next, err := p.NativeUpdate(c, rows, errs[k], p.Data.Frac, lr)
		if err != nil {
			return Model{}, fmt.Errorf("softmax: class %d: %w", k, err)
		}
		out.Classes = append(out.Classes, next)
	}
	return out, nil
}

// Predict returns the class with the highest probability (the first on ties).
func (p Params) Predict(m Model, features []int64) int {
	probs := p.NativeProbabilities(m, features)
	best := 0
	for k, v := range probs {
		if v > probs[best] {
			best = k
		}
	}
	return best
}

// Assign runs the native step on batch k of ds and returns the assignment.
func (p Params) Assign(ds *commit.Dataset, k int, m Model, lr int64) (*Circuit, Model, error) {
	t, err := step.Run("softmax", ds, p.Shape(), k, m, lr, p.NativeStep, p.Commitment)
	if err != nil {
		return nil, Model{}, err
	}
	rows, siblings, next := t.Rows, t.Siblings, t.Next
	c := NewCircuit(p)
	c.Public = t.Public
	step.FillBatch(c.X, c.Y, rows)
	for kk, cl := range m.Classes {
		for j, v := range cl.W {
			c.W[kk][j] = v
		}
		c.Bias[kk] = cl.Bias
	}
	c.Siblings = siblings
	return c, next, nil
}

// FromValues is the model whose committed values (Values) are v.
func (p Params) FromValues(v []int64) Model {
	var m Model
	for k := 0; k < p.K; k++ {
		u := v[k*(p.D+1) : (k+1)*(p.D+1)]
		m.Classes = append(m.Classes, linreg.Model{W: append([]int64{}, u[:p.D]...), Bias: u[p.D]})
	}
	return m
}
