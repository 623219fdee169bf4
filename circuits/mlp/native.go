package mlp

import (
	"fmt"
	"math/big"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/step"
)

// Zero returns a model of the right shape with all weights zero.
func (p Params) Zero() Model {
	var m Model
	for range p.H {
		m.Hidden = append(m.Hidden, linreg.Model{W: make([]int64, p.D)})
	}
	for range p.K {
		m.Output = append(m.Output, linreg.Model{W: make([]int64, p.H)})
	}
	return m
}

// forward returns the hidden activations, their masks and the output
// probabilities of one row, as the circuit computes them.
// NativeLogits is the twin of Forward's logits for one row.
func (p Params) NativeLogits(m Model, features []int64) ([]*big.Int, error) {
	_, z, err := p.logits(m, features)
	return z, err
}

func (p Params) forward(m Model, features []int64) (r, mask, probs []int64, err error) {
	r, z, err := p.logits(m, features)
	if err != nil {
		return nil, nil, nil, err
	}
	mask = make([]int64, len(r))
	for h, v := range r {
		if v > 0 {
			mask[h] = 1
		}
	}
	return r, mask, p.out().NativeProbabilitiesFromLogits(z), nil
}

func (p Params) logits(m Model, features []int64) (r []int64, z []*big.Int, err error) {
	shift := big.NewInt(1 << p.Model.Frac)
	lim := int64(1) << p.HiddenBits
	r = make([]int64, p.H)
	for h, u := range m.Hidden {
		a := u.Bias << p.Data.Frac
		for j, x := range features {
			a += x * u.W[j]
		}
		ar := fixedpoint.DivRound(big.NewInt(a), shift).Int64()
		if ar < -lim || ar >= lim {
			return nil, nil, fmt.Errorf("hidden unit %d: pre-activation %d does not fit %d signed bits", h, ar, p.HiddenBits+1)
		}
		r[h], _ = activation.NativeReLU(ar)
	}
	z = make([]*big.Int, p.K)
	t := new(big.Int)
	for k, u := range m.Output {
		z[k] = big.NewInt(u.Bias << p.Data.Frac)
		for h, v := range r {
			z[k].Add(z[k], t.Mul(big.NewInt(v), big.NewInt(u.W[h])))
		}
	}
	return r, z, nil
}

// Predict returns the most probable class of a row (the first on ties).
func (p Params) Predict(m Model, features []int64) (int, error) {
	_, _, probs, err := p.forward(m, features)
	if err != nil {
		return 0, err
	}
	best := 0
	for k, v := range probs {
		if v > probs[best] {
			best = k
		}
	}
	return best, nil
}

// NativeStep is the native mirror of one step on rows (D features, then the label).
func (p Params) NativeStep(m Model, rows [][]int64, lr int64) (Model, error) {
	if len(rows) != p.B || len(m.Hidden) != p.H || len(m.Output) != p.K {
		return Model{}, fmt.Errorf("mlp: %d rows, %d hidden and %d output units; want %d, %d, %d", len(rows), len(m.Hidden), len(m.Output), p.B, p.H, p.K)
	}
	if lr < 0 || lr >= int64(1)<<p.LRBits {
		return Model{}, fmt.Errorf("mlp: learning rate %d outside [0, 2^%d)", lr, p.LRBits)
	}
	for _, v := range m.Values() {
		if err := p.Model.Check(v); err != nil {
			return Model{}, fmt.Errorf("mlp: model: %w", err)
		}
	}
	hidden := make([][]int64, p.B) // rows of R, as inputs of the output layer
	e := make([][]int64, p.K)      // per output unit, per row
	da := make([][]int64, p.H)     // per hidden unit, per row
	shift := big.NewInt(1 << p.Model.Frac)
	for i, row := range rows {
		if len(row) != p.D+1 {
			return Model{}, fmt.Errorf("mlp: row %d has %d values, want %d features and a label", i, len(row), p.D+1)
		}
		for _, v := range row[:p.D] {
			if err := p.Data.Check(v); err != nil {
				return Model{}, fmt.Errorf("mlp: row %d: %w", i, err)
			}
		}
		y := row[p.D]
		if y < 0 || y >= int64(p.K) {
			return Model{}, fmt.Errorf("mlp: row %d: label %d outside 0..%d", i, y, p.K-1)
		}
		r, mask, probs, err := p.forward(m, row[:p.D])
		if err != nil {
			return Model{}, fmt.Errorf("mlp: row %d: %w", i, err)
		}
		hidden[i] = r
		ek := make([]int64, p.K)
		for k := range probs {
			ek[k] = probs[k]
			if int64(k) == y {
				ek[k] -= 1 << p.Data.Frac
			}
			e[k] = append(e[k], ek[k])
		}
		for h := 0; h < p.H; h++ {
			var dh int64
			for k, u := range m.Output {
				dh += ek[k] * u.W[h]
			}
			da[h] = append(da[h], mask[h]*fixedpoint.DivRound(big.NewInt(dh), shift).Int64())
		}
	}
	var out Model
	l2 := p.layer(p.H, p.HiddenBits+1)
	for k, u := range m.Output {
		next, err := l2.NativeUpdate(u, hidden, e[k], p.Data.Frac, lr)
		if err != nil {
			return Model{}, fmt.Errorf("mlp: output unit %d: %w", k, err)
		}
		out.Output = append(out.Output, next)
	}
	for h, u := range m.Hidden {
		next, err := p.Params.NativeUpdate(u, rows, da[h], p.Data.Frac, lr)
		if err != nil {
			return Model{}, fmt.Errorf("mlp: hidden unit %d: %w", h, err)
		}
		out.Hidden = append(out.Hidden, next)
	}
	return out, nil
}

// Assign runs the native step on batch k of ds and returns the assignment.
func (p Params) Assign(ds *commit.Dataset, k int, m Model, lr int64) (*Circuit, Model, error) {
	t, err := step.Run("mlp", ds, p.Shape(), k, m, lr, p.NativeStep, p.Commitment)
	if err != nil {
		return nil, Model{}, err
	}
	rows, siblings, next := t.Rows, t.Siblings, t.Next
	c := NewCircuit(p)
	c.Public = t.Public
	step.FillBatch(c.X, c.Y, rows)
	for h, u := range m.Hidden {
		for j, v := range u.W {
			c.W1[h][j] = v
		}
		c.B1[h] = u.Bias
	}
	for kk, u := range m.Output {
		for h, v := range u.W {
			c.W2[kk][h] = v
		}
		c.B2[kk] = u.Bias
	}
	c.Siblings = siblings
	return c, next, nil
}

// FromValues is the model whose committed values (Values) are v.
func (p Params) FromValues(v []int64) Model {
	var m Model
	unit := func(at, n int) linreg.Model { return linreg.Model{W: append([]int64{}, v[at:at+n]...), Bias: v[at+n]} }
	at := 0
	for range p.H {
		m.Hidden = append(m.Hidden, unit(at, p.D))
		at += p.D + 1
	}
	for range p.K {
		m.Output = append(m.Output, unit(at, p.H))
		at += p.H + 1
	}
	return m
}
