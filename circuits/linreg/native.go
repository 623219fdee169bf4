package linreg

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/step"
)

// Model is a linear model in the Model format.
type Model struct {
	W    []int64
	Bias int64
}

// Values lists the model as it is committed: weights, then bias.
func (m Model) Values() []int64 { return append(append([]int64{}, m.W...), m.Bias) }

// Clone returns a deep copy.
// FromValues is the model of committed values v (Values' order).
func FromValues(v []int64) Model {
	return Model{W: append([]int64{}, v[:len(v)-1]...), Bias: v[len(v)-1]}
}

func (m Model) Clone() Model { return Model{W: append([]int64{}, m.W...), Bias: m.Bias} }

// Commitment is the native twin of the in-circuit model commitment.
func (p Params) Commitment(curve ecc.ID, m Model) (frontend.Variable, error) {
	return step.CommitModel(curve, p.ModelDomain(), m.Values())
}

// NativeStep is the native mirror of the circuit: the model after one SGD step on
// rows (each D features then the target). It fails if any input or result
// leaves its fixed-point range, which is exactly when no proof exists.
func (p Params) NativeStep(m Model, rows [][]int64, lr int64) (Model, error) {
	if len(rows) != p.B {
		return Model{}, fmt.Errorf("linreg: batch has %d rows, want %d", len(rows), p.B)
	}
	if len(m.W) != p.D {
		return Model{}, fmt.Errorf("linreg: model has %d weights, want %d", len(m.W), p.D)
	}
	if lr < 0 || lr >= int64(1)<<p.LRBits {
		return Model{}, fmt.Errorf("linreg: learning rate %d outside [0, 2^%d)", lr, p.LRBits)
	}
	for _, v := range m.Values() {
		if err := p.Model.Check(v); err != nil {
			return Model{}, fmt.Errorf("linreg: model: %w", err)
		}
	}
	for i, r := range rows {
		if len(r) != p.D+1 {
			return Model{}, fmt.Errorf("linreg: row %d has %d values, want %d features and a target", i, len(r), p.D+1)
		}
		for _, v := range r {
			if err := p.Data.Check(v); err != nil {
				return Model{}, fmt.Errorf("linreg: row %d: %w", i, err)
			}
		}
	}

	// e_i fits in int64: 16+32 bits per product plus log2(D) for the sum.
	e := make([]int64, p.B)
	for i, r := range rows {
		acc := m.Bias<<p.Data.Frac - r[p.D]<<p.Model.Frac
		for j := 0; j < p.D; j++ {
			acc += r[j] * m.W[j]
		}
		e[i] = acc
	}
	next, err := p.NativeUpdate(m, rows, e, p.Data.Frac+p.Model.Frac, lr)
	if err != nil {
		return Model{}, fmt.Errorf("linreg: %w", err)
	}
	return next, nil
}

// NativeUpdate is the twin of Update: rows hold the features first.
func (p Params) NativeUpdate(m Model, rows [][]int64, e []int64, eFrac int, lr int64) (Model, error) {
	d := p.divisor(eFrac)
	lrBig := big.NewInt(lr)
	out := Model{W: make([]int64, p.D)}
	var g, t, sumE big.Int
	for j := 0; j < p.D; j++ {
		g.SetInt64(0)
		for i, r := range rows {
			t.SetInt64(r[j])
			t.Mul(&t, big.NewInt(e[i]))
			g.Add(&g, &t)
		}
		w, err := p.update(m.W[j], g.Mul(&g, lrBig), d)
		if err != nil {
			return Model{}, fmt.Errorf("weight %d: %w", j, err)
		}
		out.W[j] = w
	}
	for i := range e {
		sumE.Add(&sumE, big.NewInt(e[i]))
	}
	gb := new(big.Int).Lsh(&sumE, uint(p.Data.Frac))
	b, err := p.update(m.Bias, gb.Mul(gb, lrBig), d)
	if err != nil {
		return Model{}, fmt.Errorf("bias: %w", err)
	}
	out.Bias = b
	return out, nil
}

// update returns w - round(v/d), checking the quotient bound and the result.
func (p Params) update(w int64, v, d *big.Int) (int64, error) {
	q := fixedpoint.DivRound(v, d)
	bound := new(big.Int).Lsh(big.NewInt(1), uint(p.quotientBits()-1))
	if q.Cmp(bound) >= 0 || q.Cmp(new(big.Int).Neg(bound)) < 0 {
		return 0, fmt.Errorf("update %s does not fit %d signed bits", q, p.quotientBits())
	}
	nw := w - q.Int64()
	if err := p.Model.Check(nw); err != nil {
		return 0, err
	}
	return nw, nil
}

// Assign runs the native step on batch k of ds and returns the full circuit
// assignment together with the model after the step.
func (p Params) Assign(ds *commit.Dataset, k int, m Model, lr int64) (*Circuit, Model, error) {
	if err := p.Validate(); err != nil {
		return nil, Model{}, err
	}
	t, err := step.Run("linreg", ds, p.Shape(), k, m, lr, p.NativeStep, p.Commitment)
	if err != nil {
		return nil, Model{}, err
	}
	rows, siblings, next := t.Rows, t.Siblings, t.Next
	c := NewCircuit(p)
	c.Public = t.Public
	step.FillBatch(c.X, c.Y, rows)
	for j, w := range m.W {
		c.W[j] = w
	}
	c.Bias = m.Bias
	c.Siblings = siblings
	return c, next, nil
}
